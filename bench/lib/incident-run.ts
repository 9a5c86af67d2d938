/**
 * Runs the incident simulator for some seeds at some steps: the embedded
 * detector fed exactly as the backtest CLI feeds it (time order, one
 * `updateBatch` per timestamp, late and duplicate rows judged but not learned),
 * beside the rolling z-score on the same rows.
 */
import { feed } from '../../src/backtest/feed';
import { detectorOptionsFor } from '../../src/backtest/score-csv';
import { FleetDetector, type DetectorOptions } from '../../src/detector';
import { layoutNamed } from './fleet-layouts';
import { combine, evaluate, type Alarm, type Evaluation } from './incident-scoring';
import { generateIncidentSet, METRICS, type IncidentSet } from './incidents';
import { zScoreFlags } from './zscore';

export function detectorAlarms(set: IncidentSet, overrides: Partial<DetectorOptions> = {}): Alarm[] {
  const result = feed(set.rows, FleetDetector.create(detectorOptionsFor(METRICS, overrides)));
  return set.rows.flatMap((r, i) => {
    const d = result.rows[i].detection;
    return d.isAnomaly ? [{ key: r.key, group: r.group, timeMs: r.timeMs, scope: d.scope }] : [];
  });
}

/** The z-score knows no peers: every alarm is a container alarm. */
export function zScoreAlarms(set: IncidentSet): Alarm[] {
  const flags = zScoreFlags(set.rows);
  return set.rows.flatMap((r, i) => (flags[i] ? [{ key: r.key, group: r.group, timeMs: r.timeMs, scope: 'container' as const }] : []));
}

/** One set's result: the detector and the z-score, and how its rows were delivered. */
export interface SetResult {
  seed: number;
  /** The fleet layout's name (fleet-layouts.ts). */
  layout: string;
  stepMinutes: number;
  detector: Evaluation;
  zScore: Evaluation;
  delivery: { rows: number; missing: number; duplicates: number; late: number };
}

export function runIncidentSet(seed: number, stepMinutes: number, overrides: Partial<DetectorOptions> = {}, layout = 'standard'): SetResult {
  const set = generateIncidentSet(seed, stepMinutes, layoutNamed(layout));
  return {
    seed,
    layout,
    stepMinutes,
    detector: evaluate(set, detectorAlarms(set, overrides)),
    zScore: evaluate(set, zScoreAlarms(set)),
    delivery: { rows: set.rows.length, ...set.delivery },
  };
}

export interface StepResult {
  stepMinutes: number;
  detector: Evaluation;
  zScore: Evaluation;
  /** Delivery irregularities over the step's sets. */
  delivery: SetResult['delivery'];
}

/** Sums set results per step, in the order the steps first appear. */
export function byStep(sets: readonly SetResult[]): StepResult[] {
  const steps = [...new Set(sets.map((s) => s.stepMinutes))];
  return steps.map((stepMinutes) => {
    const mine = sets.filter((s) => s.stepMinutes === stepMinutes);
    const delivery = { rows: 0, missing: 0, duplicates: 0, late: 0 };
    for (const s of mine) for (const k of Object.keys(delivery) as Array<keyof typeof delivery>) delivery[k] += s.delivery[k];
    return {
      stepMinutes,
      detector: combine(mine.map((s) => ({ seed: s.seed, evaluation: s.detector }))),
      zScore: combine(mine.map((s) => ({ seed: s.seed, evaluation: s.zScore }))),
      delivery,
    };
  });
}

export function runIncidentBench(seeds: readonly number[], stepsMinutes: readonly number[], overrides: Partial<DetectorOptions> = {}, layout = 'standard'): StepResult[] {
  return byStep(stepsMinutes.flatMap((step) => seeds.map((seed) => runIncidentSet(seed, step, overrides, layout))));
}
