/**
 * Stage 4, decision and attribution: what one sample's verdict says, and the
 * one rule that makes it — a tail probability below the risk level, outside
 * warm-up (`isUnusual`), and news, not part of an episode already raised
 * (episodes.ts).
 */
import { DAY_MS, type DetectorOptions } from './defaults';
import type { Arrival } from './time';

export type DetectionScope = 'container' | 'service' | 'fleet';

/** One verdict: the score, the threshold it was judged by, and which dimensions pushed it up or down. */
export interface Detection {
  /**
   * The evidence judged: the forest's scores averaged over the last
   * `evidenceHalfLifeMs`; where a metric's tail made the sample unusual, the
   * evidence the forest would need for the same probability. Either way
   * `score > threshold` says the sample is unusual, and their ratio how far
   * (what the policy grades severity by).
   */
  score: number;
  /** The evidence the forest's side is unusual beyond (at its share of the risk level). */
  threshold: number;
  isAnomaly: boolean;
  warmingUp: boolean;
  /** Per input dimension, in input order. */
  attribution: { high: number[]; low: number[] };
  /**
   * Who the evidence points at: this container alone, or a shift most of its
   * service (or the whole fleet) shares at this moment. A shared shift raises
   * at most one detection with `isAnomaly` per service (or fleet) and
   * episode, carrying that scope: one event, never N container alarms, never
   * a scale-out on its own (the policy makes it a 'shift').
   */
  scope: DetectionScope;
  /** P(evidence this strong, or a value this high) under the key's own recent behaviour: the smaller of the two tests', at one risk level (keyProbability). */
  probability: number;
  /**
   * The sample is part of an unusual stretch, alarmed or not: in the tail
   * beyond the risk level and judged. The decision raises one alarm per
   * episode, so this says whether the stretch is still going (an incident
   * does not resolve while its container is still unusual).
   */
  unusual: boolean;
  /**
   * The leading metric has repeated one value so long that the run alone
   * makes the sample unusual (frozen.ts): a stuck exporter or a hung process,
   * whose readings are not live. The policy reports it as 'frozen' and never
   * scales on it. It holds while the run leads, alarmed or not.
   */
  frozen: boolean;
  /** 'late' and 'duplicate' samples are scored from what is known, never learned. */
  arrival: Arrival;
  /** When the key's warm-up ends (its first sample plus `warmupMs`). */
  warmupEndsAtMs: number;
}

/** One sample of one key, as a cycle hands it to `FleetDetector.updateBatch`. */
export interface DetectorInput {
  key: string;
  group: string;
  timestampMs: number;
  values: number[];
}

/**
 * The per-sample risk that keeps a key's false alarms at `dailyRisk` per day
 * whatever its step. A day holds one independent look per step, but no more
 * than one per `evidenceHalfLifeMs`: samples closer than that share most of
 * their evidence (an hourly series is judged 24 times a day, a 1-minute one
 * about a hundred times, not 1,440).
 */
export function riskPerSample(o: DetectorOptions, stepMs: number): number {
  // Exceedances come in runs about one look long, so a per-sample risk of dailyRisk · look / day gives dailyRisk runs a day.
  const look = Math.max(stepMs, o.evidenceHalfLifeMs);
  return (o.dailyRisk * Math.min(look, DAY_MS)) / DAY_MS;
}

/**
 * How many samples one look spans: the forest's evidence is an average, so
 * its exceedances come once a look; a value's tail is judged sample by
 * sample, so its risk per sample is this much smaller (Infinity while the
 * step is not known: no tail is judged before it is).
 */
export function samplesPerLook(o: DetectorOptions, stepMs: number): number {
  return stepMs > 0 ? Math.max(stepMs, o.evidenceHalfLifeMs) / stepMs : Number.POSITIVE_INFINITY;
}

/**
 * The two tests share the key's risk, by a union bound: half goes to the
 * forest's evidence, half to the metrics' tails (split evenly among the
 * `tails` judged, and spread over the samples of a look). The key's
 * probability is the smaller of the two, scaled back to the whole risk: one
 * risk level still holds. While no tail is judged yet (a new key, an hourly
 * series' first two days) the forest is the only test and has all of it.
 * `byTail`: the tails' side is the smaller, so a tail decides the verdict.
 */
export function keyProbability(forest: number, tail: number, tails: number, perLook: number): { probability: number; byTail: boolean } {
  if (tails === 0 || !Number.isFinite(perLook)) return { probability: forest, byTail: false };
  const tailSide = tail * tails * perLook;
  return { probability: Math.min(1, 2 * Math.min(forest, tailSide)), byTail: tailSide < forest };
}

/** The forest's share of a risk (or probability) when `tails` tails are judged beside it (keyProbability). */
export function forestShare(risk: number, tails: number): number {
  return tails > 0 ? risk / 2 : risk;
}

/** Whether a sample is unusual: in the tail beyond the risk level and judged (not warming up). */
export function isUnusual(probability: number, risk: number, warmingUp: boolean): boolean {
  return !warmingUp && probability < risk;
}

/** The forest's per-coordinate attribution folded onto the input dimensions (the shingle repeats them). */
export function foldAttribution(high: Float64Array, low: Float64Array, dims: number): { high: number[]; low: number[] } {
  const h = new Array<number>(dims).fill(0);
  const l = new Array<number>(dims).fill(0);
  for (let i = 0; i < high.length; i++) {
    h[i % dims] += high[i];
    l[i % dims] += low[i];
  }
  return { high: h, low: l };
}

/**
 * Where a metric's tail, not the forest, decided the verdict, that metric
 * carries at least half the attribution: it is what went beyond its range,
 * whatever the forest's cuts pointed at.
 */
export function withTail(attribution: { high: number[]; low: number[] }, tails: Float64Array, decided: boolean): { high: number[]; low: number[] } {
  if (!decided) return attribution;
  let d = 0;
  for (let k = 1; k < tails.length; k++) if (tails[k] < tails[d]) d = k;
  const total = [...attribution.high, ...attribution.low].reduce((a, b) => a + b, 0);
  const high = attribution.high.slice();
  high[d] += Math.max(total, 1);
  return { high, low: attribution.low };
}
