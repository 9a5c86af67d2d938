/**
 * The detector's defaults: the Lambda, the local run and the backtest CLI all
 * use exactly these unless told otherwise.
 */
export interface DetectorOptions {
  /** Metrics per sample (4 for containers: METRIC_NAMES order). */
  dimensions: number;
  /** Consecutive samples in one point, so the forest sees motion, not just level. */
  shingleSize: number;
  trees: number;
  /** Points each tree keeps. */
  sampleSize: number;
  /** Reservoir decay per arrival: about 1/decay arrivals of memory. */
  decay: number;
  /** Samples before a key may raise anomalies (its model and threshold settle). */
  warmupSamples: number;
  /** A score this many (robust) deviations above its recent level is anomalous. */
  thresholdSigmas: number;
  /** The threshold never falls below this multiple of the score's recent level. */
  minThresholdRatio: number;
  /** CUSUM drift detection: residual deviations beyond the slack (in deviations) accumulate; reaching the limit is an anomaly. */
  cusumSlack: number;
  cusumLimit: number;
  /** An unusual stretch longer than this is learned as the new normal. */
  acceptAfterSamples: number;
  /** After an anomaly, the same key stays quiet this many samples (one incident, one alarm). */
  refractorySamples: number;
  /** Learn a per-hour-of-day baseline, so daily peaks are expected. */
  seasonal: boolean;
  /** Smoothing of the running level and the seasonal buckets. */
  levelAlpha: number;
  seasonalAlpha: number;
  /** Smoothing of the residual scale. */
  scaleAlpha: number;
  /** Smoothing of the score statistics behind the adaptive threshold. */
  scoreAlpha: number;
  seed: number;
}

export const DEFAULT_DETECTOR_OPTIONS: DetectorOptions = {
  dimensions: 4,
  shingleSize: 4,
  trees: 30,
  sampleSize: 128,
  decay: 1 / 2560,
  warmupSamples: 576,
  thresholdSigmas: 10,
  minThresholdRatio: 2.5,
  cusumSlack: 1,
  cusumLimit: 80,
  acceptAfterSamples: 72,
  refractorySamples: 12,
  seasonal: true,
  levelAlpha: 0.05,
  seasonalAlpha: 0.05,
  scaleAlpha: 0.02,
  scoreAlpha: 0.01,
  seed: 42,
};

export function resolveOptions(partial: Partial<DetectorOptions> = {}): DetectorOptions {
  const o = { ...DEFAULT_DETECTOR_OPTIONS, ...partial };
  const positiveInts: Array<keyof DetectorOptions> = ['dimensions', 'shingleSize', 'trees', 'sampleSize'];
  for (const k of positiveInts) {
    const v = o[k] as number;
    if (!Number.isInteger(v) || v < 1) throw new Error(`detector option ${k} must be a positive integer, got ${v}`);
  }
  if (o.dimensions * o.shingleSize > 255) throw new Error('detector option dimensions × shingleSize must be at most 255');
  for (const k of ['levelAlpha', 'seasonalAlpha', 'scaleAlpha', 'scoreAlpha'] as const) {
    if (!(o[k] > 0 && o[k] <= 1)) throw new Error(`detector option ${k} must be in (0, 1], got ${o[k]}`);
  }
  return o;
}
