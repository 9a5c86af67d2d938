/**
 * Stage 1b, seasonality found, not assumed. Per metric, four candidate
 * baselines compete on their own one-step errors: a plain level ("none"), a
 * level plus a daily profile, a level plus day-of-week offsets ("weekly"), and
 * both. Each candidate keeps its own level; the profiles are learned once,
 * from the full model's error (additive exponential smoothing with two
 * seasonal terms). The simplest candidate whose error the richer ones do not
 * beat by a clear margin is the metric's baseline; a weekly candidate may win
 * once a whole week has been seen, so a weekend's level is expected from the
 * second weekend on.
 */
import { DAY_MS, WEEK_MS, type DetectorOptions } from './defaults';
import type { Slab } from './slab';
import { dayOfWeek, hourOfDay, weightAfter, type LocalClock } from './time';

export const HOURS = 24;
export const WEEKDAYS = 7;
/** Candidates, as bit sets: bit 1 = daily profile, bit 2 = weekday offsets. */
export const CANDIDATES = 4;
const DAILY = 1;
const WEEKLY = 2;
export type Seasonality = 'none' | 'daily' | 'weekly' | 'daily+weekly';
const NAMES: readonly Seasonality[] = ['none', 'daily', 'weekly', 'daily+weekly'];
/** Each seasonal term must cut the one-step error by at least 10% to be believed: noise learned into a profile must not win. */
const SEASONAL_GAIN = 0.9;
/** Errors beyond this many deviations are learned as if they were this far: an incident must not become tomorrow's profile. */
const LEARN_CLIP = 4;
/** Mean absolute deviation × 1.25 ≈ standard deviation for normal noise. */
const MAD_TO_STD = 1.25;
/** Standardised residuals are clipped here: an outlier must stand out, not dominate every later box of the forest. */
export const Z_CLIP = 20;

/** `z` within ±Z_CLIP: every standardised departure, and every shift in those units, is clipped alike. */
export function clipZ(z: number): number {
  return Math.max(-Z_CLIP, Math.min(Z_CLIP, z));
}
/** A shared shift is adopted up to a fourfold change either way; beyond that it is not a shift of the same load, it is an event. */
const MAX_ADOPTED_FACTOR = 4;

/** Whether a shift of 1 + `relative` is one to adopt: a change, and within MAX_ADOPTED_FACTOR either way. */
export function adoptable(relative: number): boolean {
  const factor = 1 + relative;
  return factor !== 1 && factor >= 1 / MAX_ADOPTED_FACTOR && factor <= MAX_ADOPTED_FACTOR;
}

/**
 * Standardised residuals (clipped), per metric what a change of the whole
 * expected value (100%) is in the same units, and the departure as a share
 * of the expected value, unclipped: what a shift the peers share is measured
 * and adopted in, however large it is.
 */
export interface Residuals {
  z: Float64Array;
  perUnit: Float64Array;
  relative: Float64Array;
}

/** Residuals of nothing: a key's first sample, or one seeded from a sibling. */
export function noResiduals(dims: number): Residuals {
  return { z: new Float64Array(dims), perUnit: new Float64Array(dims), relative: new Float64Array(dims) };
}

export class SeasonalBaseline {
  /** Per candidate and metric (candidate-major): the deseasonalised level. */
  readonly level: Float64Array;
  /** Per hour and metric: the daily profile, centred on zero. */
  readonly daily: Float32Array;
  /** Per weekday and metric: the weekday offsets, centred on zero. */
  readonly weekly: Float32Array;
  /** Per candidate and metric: mean absolute one-step error, over `scaleHalfLifeMs` (the noise scale). */
  readonly scale: Float32Array;
  /** Per candidate and metric: what its seasonal terms leave unexplained around the slow level, over `profileHalfLifeMs`: the evidence the candidates are chosen by. */
  readonly evidence: Float32Array;
  /** Per hour and metric: the mean absolute error of the full model at that hour of the day, over `profileHalfLifeMs`. */
  readonly hourlyScale: Float32Array;
  readonly dailyCount: Uint16Array;
  readonly weeklyCount: Uint16Array;

  /** About 0.8 KB for four metrics, single precision except the levels. */
  constructor(
    readonly dims: number,
    slab: Slab,
    /** Whose hours and weekdays the profiles are: the key's time zone. */
    private readonly clock: LocalClock,
  ) {
    this.level = slab.f64(CANDIDATES * dims);
    this.daily = slab.f32(HOURS * dims);
    this.weekly = slab.f32(WEEKDAYS * dims);
    this.scale = slab.f32(CANDIDATES * dims);
    this.evidence = slab.f32(CANDIDATES * dims);
    this.hourlyScale = slab.f32(HOURS * dims);
    this.dailyCount = slab.u16(HOURS);
    this.weeklyCount = slab.u16(WEEKDAYS);
  }

  /** The candidate metric `d` is judged against, after `historyMs` of history. */
  chosen(d: number, historyMs: number): number {
    let best = 0;
    let bestCost = this.evidence[d];
    for (let m = 1; m < CANDIDATES; m++) {
      if ((m & DAILY && historyMs < DAY_MS) || (m & WEEKLY && historyMs < WEEK_MS)) continue;
      const parts = (m & DAILY ? 1 : 0) + (m & WEEKLY ? 1 : 0);
      const cost = this.evidence[m * this.dims + d] / SEASONAL_GAIN ** parts;
      if (cost < bestCost) [best, bestCost] = [m, cost];
    }
    return best;
  }

  /** What metric `d` found for itself, for reports and tests. */
  seasonality(d: number, historyMs: number): Seasonality {
    return NAMES[this.chosen(d, historyMs)];
  }

  /** An hourly table (the profile, the hours' noise) read at `hour` (fractional): buckets are values at the half hour, interpolated between. */
  private atHour(table: Float32Array, hour: number, d: number): number {
    const { h0, h1, w } = interpolation(hour);
    return (1 - w) * table[h0 * this.dims + d] + w * table[h1 * this.dims + d];
  }

  expected(m: number, d: number, timestampMs: number): number {
    let value = this.level[m * this.dims + d];
    if (m & DAILY) value += this.atHour(this.daily, hourOfDay(this.clock(timestampMs)), d);
    if (m & WEEKLY) value += this.weekly[dayOfWeek(this.clock(timestampMs)) * this.dims + d];
    return value;
  }

  /** A noise scale (standard deviation), never below the metric's floor. */
  noise(m: number, d: number): number {
    return Math.max(MAD_TO_STD * this.scale[m * this.dims + d], this.floor(d));
  }

  /**
   * How much noisier metric `d` is at this hour of the day than over the
   * whole day (0 before a whole day has been seen, and for an hour no noisier
   * than the rest): a nightly job's hour is judged against what that hour
   * does every night, not against the day. The excess, not the larger of the
   * two: an hour's estimate comes from a few visits, and the larger of two
   * estimates of the same noise would make every hour look quieter than it is.
   */
  hourlyNoise(d: number, timestampMs: number, historyMs: number): number {
    if (historyMs < DAY_MS) return 0;
    return Math.max(0, MAD_TO_STD * this.atHour(this.hourlyScale, hourOfDay(this.clock(timestampMs)), d) - this.noise(DAILY + WEEKLY, d));
  }

  /** The smallest spread a metric is credited with: a flat series must not turn rounding into huge z-scores. */
  private floor(d: number): number {
    return 0.01 * Math.abs(this.level[d]) + 1e-6;
  }

  /** The noise metric `d`'s residual at `timestampMs` is standardised by: its chosen baseline's, or its hour's where that hour is noisier. */
  residualNoise(d: number, timestampMs: number, historyMs: number): number {
    return Math.max(this.noise(this.chosen(d, historyMs), d), this.hourlyNoise(d, timestampMs, historyMs));
  }

  /** Standardised residuals of `values` against each metric's chosen baseline, clipped at ±Z_CLIP. */
  residuals(values: readonly number[], timestampMs: number, historyMs: number): Residuals {
    const r = noResiduals(this.dims);
    for (let d = 0; d < this.dims; d++) {
      const m = this.chosen(d, historyMs);
      const expected = this.expected(m, d, timestampMs);
      const noise = this.residualNoise(d, timestampMs, historyMs);
      r.z[d] = clipZ((values[d] - expected) / noise);
      r.perUnit[d] = Math.abs(expected) / noise;
      r.relative[d] = expected !== 0 ? (values[d] - expected) / Math.abs(expected) : 0;
    }
    return r;
  }

  /** Starts every candidate at the first sample. */
  start(values: readonly number[]): void {
    for (let m = 0; m < CANDIDATES; m++) for (let d = 0; d < this.dims; d++) this.level[m * this.dims + d] = values[d];
  }

  /**
   * Moves every candidate's level so that it expects `values` at `timestampMs`,
   * keeping the profiles and noise: a task seeded from a sibling carries its
   * own load, not the sibling's.
   */
  rebase(values: readonly number[], timestampMs: number): void {
    for (let m = 0; m < CANDIDATES; m++) {
      for (let d = 0; d < this.dims; d++) this.level[m * this.dims + d] += values[d] - this.expected(m, d, timestampMs);
    }
  }

  /**
   * Scales what every candidate expects of a metric by 1 + `relative[d]` (a
   * shift the key's peers share, a quarter less traffic): levels and profiles
   * alike, so the whole day's shape takes the new size, not just this hour.
   * Only a metric every candidate expects above zero at `timestampMs`, and
   * by at most MAX_ADOPTED_FACTOR either way: a share of an expectation near
   * or below zero says nothing about the shift, and would scale it wildly or
   * the wrong way.
   */
  scaleExpected(relative: Float64Array, timestampMs: number): void {
    for (let d = 0; d < this.dims; d++) {
      if (!adoptable(relative[d])) continue;
      const factor = 1 + relative[d];
      let positive = true;
      for (let m = 0; m < CANDIDATES; m++) positive &&= this.expected(m, d, timestampMs) > 0;
      if (!positive) continue;
      for (let m = 0; m < CANDIDATES; m++) this.level[m * this.dims + d] *= factor;
      for (let h = 0; h < HOURS; h++) this.daily[h * this.dims + d] *= factor;
      for (let k = 0; k < WEEKDAYS; k++) this.weekly[k * this.dims + d] *= factor;
    }
  }

  /**
   * Learns an in-order sample, `elapsedMs` after the previous one; `samples`
   * counts the key's samples so far, so the first ones are averaged plainly
   * before the time-based weights take over.
   */
  learn(values: readonly number[], timestampMs: number, elapsedMs: number, samples: number, o: DetectorOptions): void {
    const first = 1 / (samples + 1);
    const levelWeight = Math.max(weightAfter(elapsedMs, o.levelHalfLifeMs), first);
    // A deseasonalised level must not follow the cycle it is taken out of: its memory spans at least a day.
    const seasonalLevelWeight = Math.max(weightAfter(elapsedMs, Math.max(o.levelHalfLifeMs, DAY_MS)), first);
    const scaleWeight = Math.max(weightAfter(elapsedMs, o.scaleHalfLifeMs), first);
    const evidenceWeight = Math.max(weightAfter(elapsedMs, o.profileHalfLifeMs), first);
    const local = this.clock(timestampMs);
    const { h0, h1, w } = interpolation(hourOfDay(local));
    const nearest = w < 0.5 ? h0 : h1;
    const day = dayOfWeek(local);
    // A bucket is visited a 24th (a 7th) of the time: its weight per sample is scaled up so its memory, in elapsed time, is the half-life.
    const dailyWeight = Math.max(weightAfter(elapsedMs * HOURS, o.profileHalfLifeMs), 1 / (this.dailyCount[nearest] + 1));
    // No plain average for a weekday's first visit: an offset learned that fast would follow the daily cycle within the day.
    const weeklyWeight = weightAfter(elapsedMs * WEEKDAYS, o.profileHalfLifeMs);
    for (let d = 0; d < this.dims; d++) {
      let fullError = 0;
      let rawFull = 0;
      // The evidence: how much of the variation around the slow (full model's) level each candidate's seasonal
      // terms explain. Judged on one-step errors, a fast plain level would win against any slow cycle by
      // following it a few hours late — and call every weekend's start a departure.
      const slowLevel = this.level[(DAILY + WEEKLY) * this.dims + d];
      for (let m = 0; m < CANDIDATES; m++) {
        const i = m * this.dims + d;
        const limit = LEARN_CLIP * this.noise(m, d);
        const expected = this.expected(m, d, timestampMs);
        const error = Math.max(-limit, Math.min(limit, values[d] - expected));
        const unexplained = values[d] - (expected - this.level[i] + slowLevel);
        this.level[i] += (m === 0 ? levelWeight : seasonalLevelWeight) * error;
        this.scale[i] += scaleWeight * (Math.abs(error) - this.scale[i]);
        this.evidence[i] += evidenceWeight * (Math.min(Math.abs(unexplained), limit) - this.evidence[i]);
        if (m === DAILY + WEEKLY) {
          fullError = error;
          rawFull = values[d] - expected;
        }
      }
      // The hour's noise learns errors up to LEARN_CLIP times the larger of the day's noise and its own: a job that recurs
      // at that hour teaches, night by night, how far it reaches; one incident moves it by at most that much.
      const hourly = this.hourlyScale[nearest * this.dims + d];
      const hourLimit = LEARN_CLIP * Math.max(this.noise(DAILY + WEEKLY, d), MAD_TO_STD * hourly);
      this.hourlyScale[nearest * this.dims + d] += dailyWeight * (Math.min(Math.abs(rawFull), hourLimit) - hourly);
      // The profiles follow the full model's error, split between the two hours the reading interpolated,
      // then re-centred so they stay offsets and the levels keep the mean.
      const dailyStep = dailyWeight * fullError;
      this.daily[h0 * this.dims + d] += (1 - w) * dailyStep;
      this.daily[h1 * this.dims + d] += w * dailyStep;
      for (let h = 0; h < HOURS; h++) this.daily[h * this.dims + d] -= dailyStep / HOURS;
      const weeklyStep = weeklyWeight * fullError;
      this.weekly[day * this.dims + d] += weeklyStep;
      for (let k = 0; k < WEEKDAYS; k++) this.weekly[k * this.dims + d] -= weeklyStep / WEEKDAYS;
    }
    if (this.dailyCount[nearest] < 0xffff) this.dailyCount[nearest]++;
    if (this.weeklyCount[day] < 0xffff) this.weeklyCount[day]++;
  }
}

/** The two hourly buckets around `hour` (their values stand at the half hour) and the weight of the second. */
function interpolation(hour: number): { h0: number; h1: number; w: number } {
  const position = hour - 0.5;
  const h0 = (Math.floor(position) + HOURS) % HOURS;
  return { h0, h1: (h0 + 1) % HOURS, w: position - Math.floor(position) };
}
