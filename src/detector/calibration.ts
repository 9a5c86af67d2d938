/**
 * Stage 3, calibration: forest scores become the probability that this key's
 * own recent behaviour produces evidence at least this strong — the anomaly
 * likelihood of Numenta's NAB work (Ahmad et al., "Unsupervised real-time
 * anomaly detection for streaming data", Neurocomputing 2017). The evidence
 * is the forest score averaged over the last `evidenceHalfLifeMs` (one stray
 * high score is diluted, a lasting departure adds up); its distribution over
 * `calibrationHalfLifeMs` is close to normal because it is an average, and
 * the tail probability of the current evidence under it is what the decision
 * compares with the risk level. Four numbers per key, all in time units,
 * and the hours' recurring peaks (recurrence.ts), which move the
 * expectation at an hour where the same evidence comes back day after day.
 */
import { DailyPeaks } from './recurrence';
import type { Slab } from './slab';
import { weightAfter, type LocalClock } from './time';

/**
 * The evidence's spread is credited with at least this much, in forest score
 * units (points displaced): a series that has been perfectly flat must not
 * call the first ripple impossible.
 */
const MIN_SPREAD = 0.1;
const EVIDENCE = 0;
const MEAN = 1;
const VARIANCE = 2;
const LEARNED = 3;
const FIELDS = 4;

/** Upper tail of the standard normal, P(Z > z) (Abramowitz–Stegun 7.1.26 via erfc; absolute error below 1.5e-7). */
export function normalTail(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erfc = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-x * x);
  return z >= 0 ? erfc / 2 : 1 - erfc / 2;
}

/** z with P(Z > z) = p, for 0 < p < 1 (Acklam's rational approximation, relative error below 1.2e-9). */
export function normalQuantileAbove(p: number): number {
  const q = 1 - p;
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const tail = (r: number) => (((((c[0] * r + c[1]) * r + c[2]) * r + c[3]) * r + c[4]) * r + c[5]) / ((((d[0] * r + d[1]) * r + d[2]) * r + d[3]) * r + 1);
  if (q < 0.02425) return tail(Math.sqrt(-2 * Math.log(q)));
  if (q > 1 - 0.02425) return -tail(Math.sqrt(-2 * Math.log(1 - q)));
  const r = (q - 0.5) * (q - 0.5);
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * (q - 0.5)) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

export class TailCalibrator {
  private readonly s: Float64Array;
  private readonly peaks: DailyPeaks;

  constructor(
    slab: Slab,
    /** The key's wall clock: the hours whose recurring evidence is expected are local. */
    private readonly clock: LocalClock,
  ) {
    this.s = slab.f64(FIELDS);
    this.peaks = new DailyPeaks(slab);
  }

  /** The evidence `score` makes, `elapsedMs` after the previous sample: the recent average with this score in it. */
  evidence(score: number, elapsedMs: number, halfLifeMs: number): number {
    if (this.s[LEARNED] === 0) return score;
    return this.s[EVIDENCE] + weightAfter(elapsedMs, halfLifeMs) * (score - this.s[EVIDENCE]);
  }

  private spread(): number {
    return Math.max(Math.sqrt(this.s[VARIANCE]), MIN_SPREAD);
  }

  /** How much higher (in log-evidence) the evidence is expected at `timestampMs`'s hour, where the same evidence came back on most of the last days (recurrence.ts). */
  excess(timestampMs: number): number {
    return this.s[LEARNED] === 0 ? 0 : this.peaks.excess(this.clock(timestampMs));
  }

  /** P(evidence at least this strong) under the key's recent behaviour, expected `excess` higher at this hour. */
  probability(evidence: number, excess = 0): number {
    if (this.s[LEARNED] === 0) return 1;
    return normalTail((Math.log1p(evidence) - this.s[MEAN] - excess) / this.spread());
  }

  /** The evidence whose tail probability is `risk`: the key's threshold at that risk level (and hour's `excess`). */
  threshold(risk: number, excess = 0): number {
    return Math.expm1(this.s[MEAN] + excess + normalQuantileAbove(risk) * this.spread());
  }

  /**
   * Keeps `evidence` as the running average and learns it into the
   * distribution with `weight`. An alarm's evidence is learned only up to the
   * threshold it crossed (`alarmedAt`): one outlier must not widen the tail
   * (as in SPOT, which keeps alarms out), yet a departure that recurs (a
   * nightly job) teaches that the key's tail reaches that far.
   */
  learn(evidence: number, weight: number, alarmedAt?: number): void {
    const s = this.s;
    s[EVIDENCE] = evidence;
    const x = Math.log1p(alarmedAt === undefined ? evidence : Math.min(evidence, alarmedAt));
    if (s[LEARNED] === 0) s[MEAN] = x;
    const w = Math.max(weight, 1 / (s[LEARNED] + 1));
    const delta = x - s[MEAN];
    s[MEAN] += w * delta;
    s[VARIANCE] = (1 - w) * (s[VARIANCE] + w * delta * delta);
    s[LEARNED]++;
  }

  /**
   * Keeps `evidence` as a candidate for its hour's peak of today, as strong as
   * it was, alarm or not: an hour's peak is what the hour reached, and only
   * the median of three days can make it that hour's ordinary. The caller
   * gives the key's evidence on its own residuals, a shift its peers share
   * left in: what the key did at that hour. Learned after the peers took a
   * nightly job out, a night they shared it taught the hour that nothing
   * happens then, and the next night they did not was news.
   */
  learnHour(evidence: number, timestampMs: number): void {
    this.peaks.learn(Math.log1p(evidence), this.clock(timestampMs));
  }
}
