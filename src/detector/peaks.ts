/**
 * Stage 3b, the tail of the values themselves: peaks over threshold, as in
 * SPOT (Siffer et al., "Anomaly detection in streams with extreme value
 * theory", KDD 2017). The forest sees each value standardised and clipped, so
 * a burst twice as high as every burst before looks like the bursts before;
 * yet a value beyond anything the key has reached in a week is what an
 * operator calls an incident first. Per metric, the key keeps the highest
 * values of each day of its recent past; the highest of them are its peaks,
 * their excesses over the next-highest value (the threshold) follow a
 * generalised Pareto tail (Pickands–Balkema–de Haan), fitted by the method
 * of moments, and a new value's probability is that tail's chance of
 * reaching it. Upper tail only: a fall to zero is the forest's (a value can
 * sink no lower than zero, and most metrics sit near it every night).
 */
import type { Slab } from './slab';

/** The window is kept as this many blocks (days, for a week's window): old blocks leave whole, so the window slides without keeping every value. */
export const PEAK_BLOCKS = 7;
/**
 * Values kept per block and metric: a day's top 2% at 5-minute steps (5.8)
 * fits, and so do up to 11 samples of an incident at a new high. A stretch
 * that fills the block (an hour at 5-minute steps) lifts the threshold to
 * its own level until the block leaves the window: values above it are
 * still judged, values below it only by the forest (at 1-minute steps the
 * threshold sits higher, which the tail allows).
 */
export const PEAKS_PER_BLOCK = 12;
/** SPOT's initial threshold: the 98th percentile of the window, so about 2% of the values are peaks. */
const PEAK_SHARE = 0.02;
/** Fewer peaks than this cannot tell a tail's scale from its shape. */
const MIN_PEAKS = 10;
/**
 * Nor are more than a fifth of the window's values a tail: beyond that the
 * fit follows the body of the distribution. At hourly steps the tail is
 * judged from 50 samples on (its third day); chosen over a tenth on the
 * tuning seeds, where a tenth left hourly series untested for four days.
 */
const MAX_PEAK_RATE = 0.2;
/** The fitted shape is kept within [−1, ½]: below −1 the density rises toward the tail's end (peaks pile up at a cap), above ½ the variance it is fitted from does not exist. */
const MIN_SHAPE = -1;
const MAX_SHAPE = 0.5;
const EMPTY = Number.NEGATIVE_INFINITY;

/** A generalised Pareto tail above `threshold`, reached by `rate` of the window's values. */
export interface PeakFit {
  threshold: number;
  rate: number;
  shape: number;
  scale: number;
}

/**
 * The method of moments for the generalised Pareto distribution (Hosking &
 * Wallis 1987): from the excesses' mean m and variance v, the shape is
 * ½(1 − m²/v), here taken one standard error heavier than estimated, and the
 * scale keeps the mean excess, σ = m(1 − ξ). A negative shape gives the tail
 * an end beyond which nothing is possible; from a few peaks (ties of an
 * integer metric, a week of lognormal bursts that happened to stay low) that
 * end is a guess, and a value past it would be called impossible. The error
 * shrinks with the number of peaks, so a tail that truly ends (a metric at
 * its cap) still shows as one from a week's peaks at 5-minute steps (about
 * 40); from the 10–20 peaks of an hourly series it never does, and those
 * tails judge only values far beyond their peaks. Measured on excesses drawn
 * from a generalised Pareto tail (41 peaks), this test still alarms 0.6–5×
 * its share of the risk for shapes −0.3 to 0.2; two standard errors would
 * hold the share but leave NAB's labelled records unfound. The scale is
 * never below `minScale` (the metric's noise at that hour).
 */
export function fitExcesses(excesses: readonly number[], minScale: number): { shape: number; scale: number } {
  const n = excesses.length;
  const mean = excesses.reduce((a, b) => a + b, 0) / n;
  const variance = excesses.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
  const ratio = variance > 0 ? (mean * mean) / variance : Number.POSITIVE_INFINITY;
  const estimate = Math.max(MIN_SHAPE, 0.5 * (1 - ratio));
  const shape = Math.min(MAX_SHAPE, estimate + shapeError(Math.min(estimate, 0.2), n));
  // Scale from the mean excess, m = σ / (1 − ξ), so a clamped shape keeps the mean the peaks have.
  const scale = Math.max(mean * (1 - shape), minScale);
  return { shape, scale };
}

/** The method of moments' standard error for the shape ξ from n excesses (Hosking & Wallis 1987, valid for ξ < ¼: evaluated at the estimate, at most 0.2). */
function shapeError(xi: number, n: number): number {
  const variance = ((1 - xi) ** 2 * (1 - 2 * xi) ** 2 * (1 - xi + 6 * xi * xi)) / (n * (1 - 3 * xi) * (1 - 4 * xi));
  return Math.sqrt(variance);
}

/** P(a value at least `x`) under the fitted tail; 1 at or below the threshold. */
export function tailProbability(fit: PeakFit, x: number): number {
  const y = x - fit.threshold;
  if (!(y > 0)) return 1;
  if (Math.abs(fit.shape) < 1e-9) return fit.rate * Math.exp(-y / fit.scale);
  const base = 1 + (fit.shape * y) / fit.scale;
  return base <= 0 ? 0 : fit.rate * base ** (-1 / fit.shape);
}

/** One block's part of the window: its sample count, the values it kept, and the level above which they are all it saw. */
interface Block {
  count: number;
  values: number[];
  exactAbove: number;
}

/**
 * The tail fitted from the blocks' kept values, or null with too few values
 * or a tail too wide to be one. Peaks are counted only above the highest
 * full block's lowest kept value, where the kept values are all the window
 * saw; a full block keeps 12 values above it, so at least 11 peaks remain.
 */
function fitBlocks(blocks: readonly Block[], minScale: number): PeakFit | null {
  const n = blocks.reduce((sum, b) => sum + b.count, 0);
  const kept = blocks.flatMap((b) => b.values).sort((a, b) => b - a);
  const exactAbove = Math.max(...blocks.map((b) => b.exactAbove));
  let peaks = Math.min(Math.max(Math.ceil(PEAK_SHARE * n), MIN_PEAKS), kept.length - 1);
  if (peaks < MIN_PEAKS) return null;
  while (peaks > 0 && kept[peaks] < exactAbove) peaks--;
  // Ties at the threshold are not above it.
  while (peaks > 0 && kept[peaks - 1] === kept[peaks]) peaks--;
  if (peaks < MIN_PEAKS || peaks > MAX_PEAK_RATE * n) return null;
  const threshold = kept[peaks];
  const { shape, scale } = fitExcesses(
    kept.slice(0, peaks).map((v) => v - threshold),
    minScale,
  );
  return { threshold, rate: peaks / n, shape, scale };
}

/** Which block of time (a seventh of the window) `timestampMs` falls in, counted from the epoch. */
function blockOf(timestampMs: number, windowMs: number): number {
  return Math.floor(timestampMs / (windowMs / PEAK_BLOCKS));
}

export class PeakTail {
  /** Per block, metric and slot: the block's highest values (EMPTY where unfilled). */
  private readonly top: Float32Array;
  /** Per block: which block of time it holds (time ÷ block length), and how many samples it saw. */
  private readonly epoch: Float64Array;
  private readonly count: Float32Array;
  /** When the tail started learning: it is judged once it has seen `warmupMs` of its own. */
  private readonly since: Float64Array;

  constructor(
    readonly dims: number,
    slab: Slab,
  ) {
    this.epoch = slab.f64(PEAK_BLOCKS);
    this.since = slab.f64(1);
    this.top = slab.f32(PEAK_BLOCKS * dims * PEAKS_PER_BLOCK);
    this.count = slab.f32(PEAK_BLOCKS);
    this.clear();
  }

  /** Forgets every value (a key seeded from a sibling starts its own tail: a sibling's peaks are not its load). */
  clear(): void {
    this.epoch.fill(Number.NaN);
    this.since[0] = Number.NaN;
    this.top.fill(EMPTY);
    this.count.fill(0);
  }

  private slot(block: number, d: number): number {
    return (block * this.dims + d) * PEAKS_PER_BLOCK;
  }

  /** Whether block `b` holds time within the window that ends in epoch `now`. */
  private fresh(b: number, now: number): boolean {
    return this.epoch[b] > now - PEAK_BLOCKS && this.epoch[b] <= now;
  }

  /** The tail of metric `d` over the window ending at `timestampMs` (of `windowMs`), or null while there are too few peaks to fit one. */
  fit(d: number, timestampMs: number, windowMs: number, warmupMs: number, minScale: number): PeakFit | null {
    if (!(timestampMs - this.since[0] >= warmupMs)) return null;
    const now = blockOf(timestampMs, windowMs);
    const blocks: Block[] = [];
    for (let b = 0; b < PEAK_BLOCKS; b++) {
      if (!this.fresh(b, now)) continue;
      const at = this.slot(b, d);
      const values = Array.from(this.top.subarray(at, at + PEAKS_PER_BLOCK)).filter((v) => v !== EMPTY);
      // Below a full block's lowest kept value, the values it did not keep are unknown.
      blocks.push({ count: this.count[b], values, exactAbove: values.length === PEAKS_PER_BLOCK ? Math.min(...values) : Number.NEGATIVE_INFINITY });
    }
    return fitBlocks(blocks, minScale);
  }

  /**
   * Learns an in-order sample, alarm or not, as the forest learns every
   * point: a level that lasts is the key's range within the window, so an
   * hour at a new high is one alarm, not one an hour for a week.
   */
  learn(values: readonly number[], timestampMs: number, windowMs: number): void {
    const now = blockOf(timestampMs, windowMs);
    const b = ((now % PEAK_BLOCKS) + PEAK_BLOCKS) % PEAK_BLOCKS;
    if (this.epoch[b] !== now) {
      this.epoch[b] = now;
      this.count[b] = 0;
      this.top.fill(EMPTY, this.slot(b, 0), this.slot(b + 1, 0));
    }
    if (Number.isNaN(this.since[0])) this.since[0] = timestampMs;
    this.count[b]++;
    for (let d = 0; d < this.dims; d++) {
      const v = values[d];
      const at = this.slot(b, d);
      let lowest = at;
      for (let i = at + 1; i < at + PEAKS_PER_BLOCK; i++) if (this.top[i] < this.top[lowest]) lowest = i;
      if (v > this.top[lowest]) this.top[lowest] = v;
    }
  }
}
