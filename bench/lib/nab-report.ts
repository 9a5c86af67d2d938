/**
 * bench:generalize's NAB part: the defaults, and the cross-validation, on
 * forest seeds never used for choosing. The forest is random, and on 17
 * files its seed moves the score by several points (one or two windows
 * found or not): the default seed (42) is the one every default was chosen
 * with, so its figure is shown, but the reporting seeds' mean is the claim.
 */
import { DEFAULT_DETECTOR_OPTIONS, type DetectorOptions } from '../../src/detector';
import { crossValidate, splitHalves, type ProfileFigures, type ScoredSetting } from './cross-validation';
import { CV_GRID, describeSetting, describeValue, gridSettings } from './cv-grid';
import type { Job } from './jobs';
import { PROFILE_NAMES, type NabFile, type ProfileScores } from './nab-data';
import { normalizedScore, PROFILES } from './nab-scorer';

/** What the NAB part runs: the dataset, the forest seeds it reports on (never used for choosing), the grid. */
export interface NabPlan {
  dir: string;
  seeds: readonly number[];
  /** The CV grid's settings, in grid order (the defaults among them). */
  settings: Array<Partial<DetectorOptions>>;
}

export function nabPlan(dir: string, seeds: readonly number[]): NabPlan {
  return { dir, seeds, settings: gridSettings() };
}

/** The defaults at the default seed first, then every grid setting at every reporting seed (seed-major). */
export function nabJobs(plan: NabPlan): Job[] {
  return [{ kind: 'nab', dir: plan.dir, setting: {} }, ...plan.seeds.flatMap((seed) => plan.settings.map((setting): Job => ({ kind: 'nab', dir: plan.dir, setting: { ...setting, seed } })))];
}

const figures = (f: ProfileFigures) => PROFILE_NAMES.map((p) => f[p].toFixed(1)).join(' / ');
/** Per profile, the mean of the figures. */
export const meanOf = (all: ProfileFigures[]): ProfileFigures => Object.fromEntries(PROFILE_NAMES.map((p) => [p, all.reduce((s, f) => s + f[p], 0) / all.length])) as ProfileFigures;
export const totals = (scores: ProfileScores): ProfileFigures => Object.fromEntries(PROFILE_NAMES.map((p) => [p, normalizedScore(scores[p], PROFILES[p])])) as ProfileFigures;
const sum = (scores: ProfileScores, pick: (f: ProfileScores['standard'][number]) => number) => scores.standard.reduce((s, f) => s + pick(f), 0);
export const detections = (scores: ProfileScores) => `TP ${sum(scores, (f) => f.truePositives)}, FP ${sum(scores, (f) => f.falsePositives)}, FN ${sum(scores, (f) => f.falseNegatives)}`;
/** Each distinct text once, with how many times it came where more than once: `a ×2, b`. */
const tally = (texts: string[]) => [...new Set(texts)].map((t) => { const n = texts.filter((x) => x === t).length; return n > 1 ? `${t} ×${n}` : t; }).join(', ');
const seedList = (seeds: readonly number[]) => (seeds.length > 1 ? `seeds ${seeds.join(', ')}` : `seed ${seeds[0]}`);

/**
 * The table's NAB rows and notes, from `results` in `nabJobs` order;
 * `htm` is HTM's published scores on the same files, where present.
 */
export function nabRows(plan: NabPlan, files: NabFile[], results: ProfileScores[], htm?: ProfileScores): { rows: string[][]; notes: string[] } {
  const names = files.map((f) => f.name);
  const [atDefaultSeed, ...bySeed] = results;
  if (results.length !== 1 + plan.seeds.length * plan.settings.length) throw new Error(`NAB part: ${results.length} results for ${1 + plan.seeds.length * plan.settings.length} jobs`);
  const perSeed = plan.seeds.map((_, k): ScoredSetting[] => plan.settings.map((setting, i) => ({ setting, scores: bySeed[k * plan.settings.length + i] })));
  const defaultIndex = plan.settings.findIndex((s) => describeSetting(s).endsWith('(defaults)'));
  if (defaultIndex < 0) throw new Error('bench/lib/cv-grid.ts: every axis must list its default value, so the grid holds the defaults');
  const defaults = perSeed.map((scored) => scored[defaultIndex].scores);
  const seeds = seedList(plan.seeds);
  const rows: string[][] = [];
  rows.push([`NAB AWS, ${files.length} files, defaults, ${seeds}`, `standard / low FP / low FN${plan.seeds.length > 1 ? ', mean' : ''}`, figures(meanOf(defaults.map(totals))), htm ? `HTM ${figures(totals(htm))}` : '']);
  rows.push(['', 'standard, per seed', defaults.map((d) => totals(d).standard.toFixed(1)).join(', '), '']);
  rows.push(['', 'standard-profile detections, per seed', defaults.map(detections).join('; '), htm ? `HTM ${detections(htm)}` : '']);
  rows.push([`NAB AWS, defaults, seed ${DEFAULT_DETECTOR_OPTIONS.seed} (chosen with)`, 'standard / low FP / low FN', figures(totals(atDefaultSeed)), detections(atDefaultSeed)]);
  const cvs = perSeed.map((scored) => crossValidate(names, scored));
  const [a, b] = splitHalves(names);
  for (const i of [0, 1] as const) {
    const [from, to] = cvs[0].folds[i].tunedHalf === 'A' ? ['A', 'B'] : ['B', 'A'];
    const chosen = tally(cvs.map((cv) => describeSetting(cv.folds[i].chosen)));
    rows.push([`NAB 2-fold CV ${i + 1}: chosen on ${from} (${cvs[0].folds[i].tunedOn.length}), scored on ${to} (${cvs[0].folds[i].scoredOn.length})`, `standard / low FP / low FN${plan.seeds.length > 1 ? ', mean' : ''}`, figures(meanOf(cvs.map((cv) => cv.folds[i].heldOut))), `chosen ${chosen}`]);
  }
  rows.push([`NAB 2-fold CV, mean of held-out halves, ${seeds}`, 'standard / low FP / low FN', figures(meanOf(cvs.map((cv) => cv.mean))), `per seed ${cvs.map((cv) => cv.mean.standard.toFixed(1)).join(', ')}`]);
  const notes = [
    `NAB figures are on forest ${seeds} (never used for choosing): the forest is random, and on ${files.length} files its seed moves the score by a window or two. Seed ${DEFAULT_DETECTOR_OPTIONS.seed}, the default every option was chosen with, is shown for comparison, not claimed.`,
    `NAB halves (files in name order, alternately): A = ${a.map((n) => n.replace(/\.csv$/, '')).join(', ')}; B = ${b.map((n) => n.replace(/\.csv$/, '')).join(', ')}.`,
    `CV grid (bench/lib/cv-grid.ts): ${CV_GRID.map((g) => `${g.option} ∈ {${g.values.map((v) => describeValue(g.option, v)).join(', ')}}`).join(' × ')}; chosen by the standard profile on one half, per seed.`,
  ];
  return { rows, notes };
}
