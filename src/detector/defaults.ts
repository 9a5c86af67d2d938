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
  /** Each residual adds at most this much to the CUSUM, so a few spikes are not a drift. */
  cusumClip: number;
  /**
   * A CUSUM must also reach this multiple of the largest excursion the
   * metric's CUSUM made lately (alarmed or not, fading by `peakDecay`): a
   * series whose bursts routinely pile up evidence is not drifting each time.
   */
  cusumMargin: number;
  /**
   * The threshold never falls below this multiple of the highest score the key
   * reached without an alarm, which fades by `peakDecay` per sample: a spike
   * the series already showed (a nightly job, say) is not news the next time.
   */
  peakRatio: number;
  peakDecay: number;
  /**
   * The threshold never falls below this multiple of the highest score seen
   * around the same hour of day (alarmed or not, fading by `hourlyPeakDecay`):
   * a nightly job's spike is news once, not every night.
   */
  hourlyPeakRatio: number;
  hourlyPeakDecay: number;
  /**
   * A value beyond the range the metric has shown lately by this share of that
   * range, and at least `recordSigmas` deviations from expected, is anomalous
   * whatever the forest says: unprecedented, where a series' usual bursts are
   * not. The range shrinks towards its middle by `recordDecay` per sample, so
   * it forgets over weeks.
   */
  recordMargin: number;
  recordSigmas: number;
  recordDecay: number;
  /**
   * A departure of at least `dayPartSigmas` deviations and `dayPartRatio`
   * times the largest one seen around this time of day (within two hours,
   * fading by `hourlyPeakDecay`) is anomalous, in series where departures
   * that large are rare (at most `dayPartMaxRate` of samples over about two
   * days): the series' big moments happen at other times.
   */
  dayPartSigmas: number;
  dayPartRatio: number;
  dayPartMaxRate: number;
  /**
   * A forest alarm is not believed when each of the sample's departures of
   * `dayPartSigmas` or more is within this multiple of the largest seen
   * around this time of day: the same nightly spike, a little larger tonight.
   */
  dayPartRecurRatio: number;
  /**
   * A metric's departures averaged over about `1 / sustainedAlpha` samples,
   * each clipped at `sustainedClip`, that reach `sustainedSigmas` and
   * `sustainedRatio` times the largest such excursion seen lately (fading by
   * `sustainedDecay`) are anomalous: a modest shift that lasts, which no
   * single sample shows.
   */
  sustainedAlpha: number;
  sustainedClip: number;
  sustainedSigmas: number;
  sustainedRatio: number;
  sustainedDecay: number;
  /** At least `jointMetrics` metrics this many deviations out at once is anomalous, whatever the forest says. */
  jointSigmas: number;
  jointMetrics: number;
  /** An unusual stretch longer than this is learned as the new normal. */
  acceptAfterSamples: number;
  /** After an anomaly, the same key stays quiet this many samples (one incident, one alarm). */
  refractorySamples: number;
  /**
   * `[metric, driver]`: `metric` (CPU) is expected from `driver` (traffic) by a
   * slowly learned linear relation, so CPU that rises while traffic stays flat
   * stands out however gradually it rises. `null` for series without such a pair.
   */
  loadRelation: [number, number] | null;
  /** Smoothing of the load relation (slow on purpose: an incident's ramp must not become the relation). */
  relationAlpha: number;
  /** The relation replaces the hourly baseline for `metric` once the driver explains at least this share of its variance. */
  relationMinR2: number;
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
  cusumLimit: 50,
  cusumClip: 3,
  cusumMargin: 2,
  peakRatio: 1,
  peakDecay: 0.001,
  hourlyPeakRatio: 1,
  hourlyPeakDecay: 0.0001,
  recordMargin: 0.2,
  recordSigmas: 3,
  recordDecay: 0.00005,
  dayPartSigmas: 16,
  dayPartRatio: 3,
  dayPartMaxRate: 0.02,
  dayPartRecurRatio: 1.25,
  sustainedAlpha: 1 / 12,
  sustainedClip: 2.5,
  sustainedSigmas: 0.8,
  sustainedRatio: 1.3,
  sustainedDecay: 0.0002,
  jointSigmas: 6,
  jointMetrics: 2,
  acceptAfterSamples: 72,
  refractorySamples: 12,
  // cpu_pct from net_mbps, in the container metric order (METRIC_NAMES).
  loadRelation: [0, 2],
  relationAlpha: 0.005,
  relationMinR2: 0.5,
  seasonal: true,
  levelAlpha: 0.05,
  seasonalAlpha: 0.05,
  scaleAlpha: 0.02,
  scoreAlpha: 0.01,
  seed: 42,
};

export function resolveOptions(partial: Partial<DetectorOptions> = {}): DetectorOptions {
  const o = { ...DEFAULT_DETECTOR_OPTIONS, ...partial };
  // The default relation (CPU from traffic) belongs to the default metric layout; other layouts name their own.
  if (partial.loadRelation === undefined && o.dimensions !== DEFAULT_DETECTOR_OPTIONS.dimensions) o.loadRelation = null;
  const positiveInts: Array<keyof DetectorOptions> = ['dimensions', 'shingleSize', 'trees', 'sampleSize'];
  for (const k of positiveInts) {
    const v = o[k] as number;
    if (!Number.isInteger(v) || v < 1) throw new Error(`detector option ${k} must be a positive integer, got ${v}`);
  }
  if (o.dimensions * o.shingleSize > 255) throw new Error('detector option dimensions × shingleSize must be at most 255');
  if (o.loadRelation !== null) {
    const [metric, driver] = o.loadRelation;
    const inRange = (i: number) => Number.isInteger(i) && i >= 0 && i < o.dimensions;
    if (!inRange(metric) || !inRange(driver) || metric === driver) {
      throw new Error(`detector option loadRelation must name two different metrics below dimensions (${o.dimensions}), got [${metric}, ${driver}]`);
    }
  }
  if (!(o.relationMinR2 >= 0 && o.relationMinR2 <= 1)) throw new Error(`detector option relationMinR2 must be in [0, 1], got ${o.relationMinR2}`);
  for (const k of ['levelAlpha', 'seasonalAlpha', 'scaleAlpha', 'scoreAlpha', 'relationAlpha', 'sustainedAlpha'] as const) {
    if (!(o[k] > 0 && o[k] <= 1)) throw new Error(`detector option ${k} must be in (0, 1], got ${o[k]}`);
  }
  if (!(o.dayPartSigmas > 0)) throw new Error(`detector option dayPartSigmas must be positive, got ${o.dayPartSigmas}`);
  if (!(o.dayPartMaxRate >= 0 && o.dayPartMaxRate <= 1)) throw new Error(`detector option dayPartMaxRate must be in [0, 1], got ${o.dayPartMaxRate}`);
  if (!(o.jointSigmas > 0)) throw new Error(`detector option jointSigmas must be positive, got ${o.jointSigmas}`);
  if (!Number.isInteger(o.jointMetrics) || o.jointMetrics < 1) throw new Error(`detector option jointMetrics must be a positive integer, got ${o.jointMetrics}`);
  if (!(o.sustainedClip > 0)) throw new Error(`detector option sustainedClip must be positive, got ${o.sustainedClip}`);
  if (!(o.sustainedSigmas > 0)) throw new Error(`detector option sustainedSigmas must be positive, got ${o.sustainedSigmas}`);
  if (!(o.cusumClip > 0)) throw new Error(`detector option cusumClip must be positive, got ${o.cusumClip}`);
  for (const k of ['peakRatio', 'hourlyPeakRatio', 'cusumMargin', 'recordMargin', 'recordSigmas', 'dayPartRatio', 'dayPartRecurRatio', 'sustainedRatio'] as const) {
    if (!(o[k] >= 0)) throw new Error(`detector option ${k} must be at least 0, got ${o[k]}`);
  }
  for (const k of ['peakDecay', 'hourlyPeakDecay', 'recordDecay', 'sustainedDecay'] as const) {
    if (!(o[k] >= 0 && o[k] < 1)) throw new Error(`detector option ${k} must be in [0, 1), got ${o[k]}`);
  }
  return o;
}

/** How long a new key warms up before it may raise anomalies (the CLI warns when a series is shorter). */
export function warmupMsOf(options: DetectorOptions): number {
  return options.warmupSamples * 300_000;
}
