/**
 * Two-fold cross-validation on NAB's AWS files: a fixed split into two halves
 * (the files in name order, alternately), the grid's best setting chosen on
 * one half by the standard profile, then scored on the other half, both ways.
 * What it reports is how well choosing settings on some files carries over to
 * files the choice never saw.
 */
import type { DetectorOptions } from '../../src/detector';
import { PROFILE_NAMES, type ProfileName, type ProfileScores } from './nab-data';
import { normalizedScore, PROFILES } from './nab-scorer';

/** Files in name order go alternately to half A and half B: fixed, and each half gets every kind of metric. */
export function splitHalves(names: readonly string[]): [string[], string[]] {
  const sorted = [...names].sort();
  return [sorted.filter((_, i) => i % 2 === 0), sorted.filter((_, i) => i % 2 === 1)];
}

export interface ScoredSetting {
  setting: Partial<DetectorOptions>;
  /** Per profile, one score per file, in the order of `names`. */
  scores: ProfileScores;
}

export type ProfileFigures = Record<ProfileName, number>;

export interface Fold {
  /** Which half the setting was chosen on. */
  tunedHalf: 'A' | 'B';
  tunedOn: string[];
  scoredOn: string[];
  chosen: Partial<DetectorOptions>;
  /** The chosen setting's standard score on the half it was chosen on. */
  tunedScore: number;
  /** Its scores on the other half. */
  heldOut: ProfileFigures;
}

export interface CrossValidation {
  folds: [Fold, Fold];
  /** Mean of the two held-out halves' scores. */
  mean: ProfileFigures;
}

/** Every profile's normalised score of `s` over the files in `subset`. */
export function scoreOn(names: readonly string[], subset: readonly string[], s: ScoredSetting): ProfileFigures {
  const pick = new Set(subset);
  const keep = names.map((n) => pick.has(n));
  return Object.fromEntries(PROFILE_NAMES.map((p) => [p, normalizedScore(s.scores[p].filter((_, i) => keep[i]), PROFILES[p])])) as ProfileFigures;
}

/** Chooses on `tune` by the standard profile (ties: the earlier setting in grid order), scores on `test`. */
function fold(names: readonly string[], settings: readonly ScoredSetting[], tunedHalf: Fold['tunedHalf'], tune: string[], test: string[]): Fold {
  let best = settings[0];
  let bestScore = scoreOn(names, tune, best).standard;
  for (const s of settings.slice(1)) {
    const score = scoreOn(names, tune, s).standard;
    if (score > bestScore) [best, bestScore] = [s, score];
  }
  return { tunedHalf, tunedOn: tune, scoredOn: test, chosen: best.setting, tunedScore: bestScore, heldOut: scoreOn(names, test, best) };
}

export function crossValidate(names: readonly string[], settings: readonly ScoredSetting[]): CrossValidation {
  if (settings.length === 0) throw new Error('cross-validation needs at least one setting');
  const [a, b] = splitHalves(names);
  const folds: [Fold, Fold] = [fold(names, settings, 'A', a, b), fold(names, settings, 'B', b, a)];
  const mean = Object.fromEntries(PROFILE_NAMES.map((p) => [p, (folds[0].heldOut[p] + folds[1].heldOut[p]) / 2])) as ProfileFigures;
  return { folds, mean };
}
