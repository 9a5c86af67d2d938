/**
 * Stage 1d, position: where each value stands against the key's long-run
 * level. The residuals are taken against a baseline whose level adapts within
 * hours, so a level shift, or a value the key has never reached, fades from
 * the residuals while it is still under way; the position keeps showing it
 * for as long as the long-run memory (`profileHalfLifeMs`, a week) takes to
 * call it ordinary. The forest sees both, side by side: how far a sample is
 * from what was expected a moment ago, and how far from where the key usually
 * is.
 */
import type { DetectorOptions } from './defaults';
import type { Slab } from './slab';
import { adoptable, clipZ, noResiduals, type Residuals } from './seasonality';

/** Mean absolute deviation × 1.25 ≈ standard deviation for normal noise. */
const MAD_TO_STD = 1.25;
/** A deviation credited with at least 1% of the level: a key that has never moved must not call the first ripple a leap. */
const MIN_RELATIVE_DEVIATION = 0.01;
/** And at least this much in the metric's own units, for a level of zero. */
const MIN_DEVIATION = 1e-6;

export class LongRunPosition {
  /** Per metric: the long-run mean. */
  private readonly mean: Float64Array;
  /** Per metric: the long-run mean absolute deviation from it. */
  private readonly deviation: Float64Array;

  constructor(
    readonly dims: number,
    slab: Slab,
  ) {
    this.mean = slab.f64(dims);
    this.deviation = slab.f64(dims);
  }

  /** The first sample is the mean; nothing has deviated yet. */
  start(values: readonly number[]): void {
    for (let d = 0; d < this.dims; d++) this.mean[d] = values[d];
    this.deviation.fill(0);
  }

  /** Metric `d`'s long-run spread (a standard deviation), never below its floor. */
  spread(d: number): number {
    return Math.max(MAD_TO_STD * this.deviation[d], MIN_DEVIATION + MIN_RELATIVE_DEVIATION * Math.abs(this.mean[d]));
  }

  /**
   * Per metric, the value standardised against the long-run mean and spread,
   * clipped like the residuals (an outlier stands out without dominating every
   * later box of the forest); and what a 100% change of the level is in the
   * same units, so a shift the peers share can be taken out of it too.
   */
  of(values: readonly number[], hourlyNoise: (d: number) => number = () => 0): Residuals {
    const r = noResiduals(this.dims);
    for (let d = 0; d < this.dims; d++) {
      // Never narrower than the hour's own noise: a job every night at this hour is how far this hour goes.
      const spread = Math.max(this.spread(d), hourlyNoise(d));
      r.z[d] = clipZ((values[d] - this.mean[d]) / spread);
      r.perUnit[d] = Math.abs(this.mean[d]) / spread;
      r.relative[d] = this.mean[d] !== 0 ? (values[d] - this.mean[d]) / Math.abs(this.mean[d]) : 0;
    }
    return r;
  }

  /** Learns an in-order sample with the weight the key's long-run memory gives it. */
  learn(values: readonly number[], weight: number): void {
    for (let d = 0; d < this.dims; d++) {
      this.mean[d] += weight * (values[d] - this.mean[d]);
      this.deviation[d] += weight * (Math.abs(values[d] - this.mean[d]) - this.deviation[d]);
    }
  }

  /** Scales the long-run mean and spread by 1 + `relative[d]` per metric (a shift the key's peers share). */
  scale(relative: Float64Array): void {
    for (let d = 0; d < this.dims; d++) {
      // Like the baseline: a positive level, a bounded factor.
      if (!(this.mean[d] > 0 && adoptable(relative[d]))) continue;
      const factor = 1 + relative[d];
      this.mean[d] *= factor;
      this.deviation[d] *= factor;
    }
  }

  /** A key seeded from a sibling keeps the sibling's spread around its own level. */
  rebase(values: readonly number[]): void {
    for (let d = 0; d < this.dims; d++) this.mean[d] = values[d];
  }
}

/** The memory of the long-run level: the seasonal profiles' week, so a level held that long becomes the key's usual one. */
export function positionHalfLifeMs(o: DetectorOptions): number {
  return o.profileHalfLifeMs;
}
