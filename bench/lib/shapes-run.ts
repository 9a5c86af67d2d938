/**
 * Scores the embedded detector on the generic shapes (shapes.ts) with NAB's
 * rules, beside the rolling z-score on the same series: one set is every
 * shape on every background for one seed at one step.
 */
import { backtest } from '../../src/backtest/score-csv';
import type { DetectorOptions } from '../../src/detector';
import { normalizedScore, PROFILES, scoreFile, type FileScore } from './nab-scorer';
import { generateShapes, SHAPE_KINDS, type ShapeKind, type ShapeSeries } from './shapes';
import { zScoreFlags } from './zscore';

/** Per series (in generateShapes order), its kind and its standard-profile score. */
export interface ShapeScores {
  kinds: ShapeKind[];
  scores: FileScore[];
}

export interface ShapeSetResult {
  seed: number;
  stepMinutes: number;
  detector: ShapeScores;
  zScore: ShapeScores;
}

function scoreAll(series: readonly ShapeSeries[], flagsOf: (s: ShapeSeries) => boolean[]): ShapeScores {
  return { kinds: series.map((s) => s.kind), scores: series.map((s) => scoreFile(s.times, flagsOf(s), s.windows, PROFILES.standard)) };
}

export function runShapeSet(seed: number, stepMinutes: number, overrides: Partial<DetectorOptions> = {}): ShapeSetResult {
  const series = generateShapes(seed, stepMinutes);
  return {
    seed,
    stepMinutes,
    // Container scope only, as on NAB: a single series has no peers.
    detector: scoreAll(series, (s) => backtest(s.input, overrides).detections.map((d) => d.isAnomaly && d.scope === 'container')),
    zScore: scoreAll(series, (s) => zScoreFlags(s.input.rows)),
  };
}

/** One step's figures over its sets: NAB's standard score, windows found and missed, false alarms, and found / labelled per kind. */
export interface ShapeSummary {
  score: number;
  found: number;
  windows: number;
  falseAlarms: number;
  byKind: Array<{ kind: ShapeKind; found: number; windows: number }>;
}

export function summarize(results: readonly ShapeScores[]): ShapeSummary {
  const kinds = results.flatMap((r) => r.kinds);
  const scores = results.flatMap((r) => r.scores);
  const sum = (pick: (f: FileScore) => number, only?: ShapeKind) => scores.reduce((a, f, i) => a + (only === undefined || kinds[i] === only ? pick(f) : 0), 0);
  return {
    score: normalizedScore(scores, PROFILES.standard),
    found: sum((f) => f.truePositives),
    windows: sum((f) => f.windows),
    falseAlarms: sum((f) => f.falsePositives),
    byKind: SHAPE_KINDS.filter((k) => k !== 'none').map((kind) => ({ kind, found: sum((f) => f.truePositives, kind), windows: sum((f) => f.windows, kind) })),
  };
}

export interface ShapeStepSummary {
  stepMinutes: number;
  sets: number;
  detector: ShapeSummary;
  zScore: ShapeSummary;
}

/** Sets grouped by step, in the order the steps first appear. */
export function byShapeStep(results: readonly ShapeSetResult[]): ShapeStepSummary[] {
  const steps = [...new Set(results.map((r) => r.stepMinutes))];
  return steps.map((stepMinutes) => {
    const at = results.filter((r) => r.stepMinutes === stepMinutes);
    return { stepMinutes, sets: at.length, detector: summarize(at.map((r) => r.detector)), zScore: summarize(at.map((r) => r.zScore)) };
  });
}

/** `found/windows` per kind, for a table's notes. */
export function describeKinds(s: ShapeSummary): string {
  return s.byKind.map((k) => `${k.kind} ${k.found}/${k.windows}`).join(', ');
}
