/**
 * Runs the incident simulator for some seeds at some steps: the embedded
 * detector fed exactly as the backtest CLI feeds it (time order, one
 * `updateBatch` per timestamp, late and duplicate rows judged but not learned),
 * beside the rolling z-score on the same rows.
 */
import { feed } from '../../src/backtest/feed';
import { detectorOptionsFor } from '../../src/backtest/score-csv';
import { FleetDetector, type DetectorOptions } from '../../src/detector';
import { combine, evaluate, type Alarm, type Evaluation } from './incident-scoring';
import { generateIncidentSet, METRICS, type IncidentSet } from './incidents';
import { TUNING_SEEDS } from './incident-plan';
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

export interface StepResult {
  stepMinutes: number;
  detector: Evaluation;
  zScore: Evaluation;
  /** Delivery irregularities over the step's sets. */
  delivery: { rows: number; missing: number; duplicates: number; late: number };
}

export function runIncidentBench(seeds: readonly number[], stepsMinutes: readonly number[], overrides: Partial<DetectorOptions> = {}): StepResult[] {
  return stepsMinutes.map((stepMinutes) => {
    const ours: Array<{ seed: number; evaluation: Evaluation }> = [];
    const z: Array<{ seed: number; evaluation: Evaluation }> = [];
    const delivery = { rows: 0, missing: 0, duplicates: 0, late: 0 };
    for (const seed of seeds) {
      const set = generateIncidentSet(seed, stepMinutes);
      ours.push({ seed, evaluation: evaluate(set, detectorAlarms(set, overrides)) });
      z.push({ seed, evaluation: evaluate(set, zScoreAlarms(set)) });
      delivery.rows += set.rows.length;
      delivery.missing += set.delivery.missing;
      delivery.duplicates += set.delivery.duplicates;
      delivery.late += set.delivery.late;
    }
    return { stepMinutes, detector: combine(ours), zScore: combine(z), delivery };
  });
}

/** Refuses seeds outside the tuning set: the reporting seeds must never be used for choosing. */
export function assertTuningSeeds(seeds: readonly number[]): void {
  const other = seeds.filter((s) => !TUNING_SEEDS.includes(s));
  if (other.length) throw new Error(`seed(s) ${other.join(', ')} are not tuning seeds (${TUNING_SEEDS.join(', ')}): the reporting seeds are only for npm run bench:generalize`);
}
