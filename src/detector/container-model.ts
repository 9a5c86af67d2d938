/**
 * What the detector remembers about one key (one container, or one series in
 * the CLI): its level and per-hour-of-day baseline, the scale of its
 * residuals, the last few residual vectors (the shingle), the statistics
 * of its anomaly scores behind the adaptive threshold, and what its rules
 * remember (ranges, peaks, excursions). About 1.7 KB for four metrics; the
 * forests are shared per group.
 */
import type { BinaryReader, ByteSink } from './codec';
import type { DetectorOptions } from './defaults';

const HOURS = 24;
/** Residuals are clipped here: an outlier must stand out, not dominate every later box. */
const Z_CLIP = 20;
/** A seasonal bucket is trusted after this many observations. */
const SEASONAL_READY = 12;
/** A bucket's own scale is learned once its value is trusted, and trusted after this many observations. */
const SCALE_READY = 3 * SEASONAL_READY;
/** Mean absolute deviation × 1.25 ≈ standard deviation for normal noise. */
const MAD_TO_STD = 1.25;
/** Values further than this many deviations from expected are learned as if they were this far. */
const LEARN_CLIP = 4;
/** A residual this many deviations out pauses learning of the baselines and scale. */
const FREEZE_SIGMAS = 3;
/** Median absolute deviation × 1.4826 ≈ standard deviation for normal noise. */
const MEDIAN_DEVIATION_TO_STD = 1.4826;
/** The running median moves this share of the spread per sample; the spread grows or shrinks by this factor. */
const MEDIAN_STEP = 0.1;
const SPREAD_FACTOR = 1.1;
/** On the first day, values further than this many (robust) deviations from the running median are learned as if they were this far. */
const FIRST_DAY_FENCE = 6;
/** The day in two-hour parts for the largest departures seen: finer parts would cost state and gain nothing measurable. */
const DAY_PARTS = 12;
/** The share of samples with large departures is an average over about two days. */
const LARGE_DEPARTURE_RATE_ALPHA = 1 / 576;

/**
 * Tracks metric `d`'s excursions: `top` is the height of the one under way,
 * `peak` the largest completed lately (fading by `decay` per sample). An
 * excursion in progress never raises its own bar.
 */
function followExcursion(top: Float32Array, peak: Float32Array, d: number, height: number, ongoing: boolean, decay: number): void {
  peak[d] *= 1 - decay;
  if (ongoing) top[d] = Math.max(top[d], height);
  else {
    peak[d] = Math.max(peak[d], top[d]);
    top[d] = 0;
  }
}

/** Typed arrays laid out one after another in one buffer, widest elements first so each view stays aligned. */
class Slab {
  private readonly buffer: ArrayBuffer;
  private offset = 0;

  constructor(bytes: number) {
    this.buffer = new ArrayBuffer(bytes);
  }

  f64(length: number): Float64Array {
    return new Float64Array(this.buffer, this.take(8 * length), length);
  }

  f32(length: number): Float32Array {
    return new Float32Array(this.buffer, this.take(4 * length), length);
  }

  u16(length: number): Uint16Array {
    return new Uint16Array(this.buffer, this.take(2 * length), length);
  }

  private take(bytes: number): number {
    const start = this.offset;
    this.offset += bytes;
    if (this.offset > this.buffer.byteLength) throw new Error(`model layout needs more than the ${this.buffer.byteLength} bytes reserved`);
    return start;
  }

  /** The reserved size and the arrays carved from it must agree exactly. */
  assertFull(): void {
    if (this.offset !== this.buffer.byteLength) throw new Error(`model layout uses ${this.offset} of the ${this.buffer.byteLength} bytes reserved`);
  }
}

/** What point() measures besides the residuals, for judge(). */
export interface SampleContext {
  /** Residuals against the hourly baselines alone (they differ from the residuals for the metric the load relation explains). */
  departures: Float64Array;
  /** Per metric, how far the value lies beyond the range seen lately, in shares of that range (+ above, − below, 0 within). */
  beyondRange: Float64Array;
  /** Hour of day (0–23). */
  hour: number;
}

export class ContainerModel {
  count = 0;
  lastSeenMs = 0;
  /** Samples left in the quiet period after an anomaly. */
  quietFor = 0;
  /** Two-sided CUSUM of the residuals per metric: evidence of a drift, accumulated. */
  readonly cusumHigh: Float64Array;
  readonly cusumLow: Float64Array;
  /** Consecutive samples judged unusual; past `acceptAfterSamples` the new behaviour is learned as normal. */
  unusualRun = 0;
  /** Whether the current unusual stretch has already raised its alarm. */
  alarmedInStretch = false;
  scoreMean = 0;
  scoreDeviation = 0;
  /** The highest score of samples not alarmed on, decaying: what this key's normal already reached. */
  normalPeak = 0;
  /** Per hour of day, the highest score seen around then, alarmed or not, fading by `hourlyPeakDecay`. */
  readonly hourlyPeak: Float32Array;
  /**
   * Per two-hour part of the day and metric, the largest departure above and
   * below expected (pairs, in deviations), alarmed or not, fading by `hourlyPeakDecay`.
   */
  readonly departurePeak: Float32Array;
  /** The share of recent samples with a departure of `dayPartSigmas` or more on any metric. */
  largeDepartureRate = 0;
  /** Samples for which the last recurring departure is still in the forest's shingle. */
  recurringFor = 0;
  /** Per metric, the highest and lowest value seen lately (pairs), shrinking towards their middle by `recordDecay`. */
  readonly range: Float32Array;
  /**
   * Per metric, the two-sided CUSUM as it would stand without the resets that
   * follow alarms (pairs), the height of its current excursion, and the
   * largest excursion it completed lately: what this metric's bursts usually pile up.
   */
  readonly excursion: Float32Array;
  readonly excursionTop: Float32Array;
  readonly excursionPeak: Float32Array;
  /**
   * Per metric, the average of recent clipped departures (about an hour's),
   * the height of its current excursion from zero, and the largest excursion
   * it completed lately: how far this metric usually strays for a while.
   */
  readonly sustained: Float32Array;
  readonly sustainedTop: Float32Array;
  readonly sustainedPeak: Float32Array;
  /**
   * Per metric, a running median and median absolute deviation, moved by
   * sign steps: estimates a burst cannot drag, for the first day's baselines.
   */
  readonly median: Float32Array;
  readonly spread: Float32Array;
  readonly level: Float64Array;
  readonly scale: Float64Array;
  /** Per hour and metric; single precision is plenty for a baseline and halves its share of the state. */
  readonly seasonal: Float32Array;
  /** Per hour and metric; single precision is plenty for a scale and halves its share of the state. */
  readonly seasonalScale: Float32Array;
  readonly seasonalCount: Uint16Array;
  /** The previous (shingleSize - 1) residual vectors, oldest first. */
  readonly history: Float64Array;
  /** Exponentially weighted moments of (driver, metric) behind the load relation: means, variances, covariance. */
  readonly relation: Float64Array;

  constructor(
    readonly group: string,
    readonly dims: number,
    readonly shingleSize: number,
  ) {
    // One buffer per model, carved into its arrays: ten thousand models cost ten thousand buffers, not fifteen times as many.
    // 8 bytes: level, scale, history (shingle − 1), both CUSUMs — per metric — and the 5 relation moments;
    // 4 bytes: per hour, baseline and scale per metric plus the score peak; per metric, range (2), excursion (2), top, peak,
    // median, spread, sustained departure (3), and per part of the day both departure peaks;
    // 2 bytes: the per-hour counts. assertFull() checks the sum.
    const slab = new Slab(8 * (dims * (shingleSize + 3) + 5) + 4 * (HOURS * (2 * dims + 1) + 11 * dims + 2 * DAY_PARTS * dims) + 2 * HOURS);
    this.level = slab.f64(dims);
    this.scale = slab.f64(dims);
    this.history = slab.f64((shingleSize - 1) * dims);
    this.cusumHigh = slab.f64(dims);
    this.cusumLow = slab.f64(dims);
    this.relation = slab.f64(5);
    this.seasonal = slab.f32(HOURS * dims);
    this.seasonalScale = slab.f32(HOURS * dims);
    this.hourlyPeak = slab.f32(HOURS);
    this.range = slab.f32(2 * dims);
    this.excursion = slab.f32(2 * dims);
    this.excursionTop = slab.f32(dims);
    this.excursionPeak = slab.f32(dims);
    this.median = slab.f32(dims);
    this.spread = slab.f32(dims);
    this.sustained = slab.f32(dims);
    this.sustainedTop = slab.f32(dims);
    this.sustainedPeak = slab.f32(dims);
    this.departurePeak = slab.f32(2 * DAY_PARTS * dims);
    this.seasonalCount = slab.u16(HOURS);
    slab.assertFull();
  }

  /**
   * What this key usually shows at `timeOfDay` (hours, fractional): hourly
   * buckets read as values at the half hour and interpolated between, so a
   * steep daily ramp is expected minute by minute, not as an hourly step.
   */
  private expected(timeOfDay: number, d: number, o: DetectorOptions): number {
    return o.seasonal ? this.hourly(this.seasonal, this.level[d], timeOfDay, d) : this.level[d];
  }

  /**
   * How far this key usually strays at `timeOfDay` (mean absolute deviation):
   * per hour too, because a busy hour is noisier than a quiet one.
   */
  private deviation(timeOfDay: number, d: number, o: DetectorOptions): number {
    return o.seasonal ? this.hourly(this.seasonalScale, this.scale[d], timeOfDay, d, SCALE_READY) : this.scale[d];
  }

  /** A per-hour table read at `timeOfDay`, interpolated between trusted buckets, else `fallback`. */
  private hourly(table: Float64Array | Float32Array, fallback: number, timeOfDay: number, d: number, ready = SEASONAL_READY): number {
    const position = timeOfDay - 0.5;
    const h0 = (Math.floor(position) + HOURS) % HOURS;
    const h1 = (h0 + 1) % HOURS;
    const w = position - Math.floor(position);
    const ready0 = this.seasonalCount[h0] >= ready;
    const ready1 = this.seasonalCount[h1] >= ready;
    if (ready0 && ready1) return (1 - w) * table[h0 * this.dims + d] + w * table[h1 * this.dims + d];
    const own = Math.floor(timeOfDay) % HOURS;
    return this.seasonalCount[own] >= ready ? table[own * this.dims + d] : fallback;
  }

  /**
   * The load relation's expectation and deviation for the related metric, or
   * null while the driver does not yet explain it well enough.
   */
  private related(values: readonly number[], o: DetectorOptions): { expected: number; deviation: number } | null {
    if (o.loadRelation === null || this.count < o.warmupSamples) return null;
    const [meanX, meanY, varX, varY, cov] = this.relation;
    if (!(varX > 0 && varY > 0)) return null;
    const r2 = (cov * cov) / (varX * varY);
    if (r2 < o.relationMinR2) return null;
    const slope = cov / varX;
    return { expected: meanY + slope * (values[o.loadRelation[1]] - meanX), deviation: Math.sqrt(varY * (1 - r2)) };
  }

  /**
   * The shingled, standardised residuals of `values` against what this key
   * usually does at this hour, and what judge() weighs besides them. Does not
   * learn; call `learn` afterwards.
   */
  point(values: readonly number[], timeOfDay: number, o: DetectorOptions): { point: Float32Array; residuals: Float64Array } & SampleContext {
    const related = this.related(values, o);
    // `departures`: every metric against its hourly baseline. `residuals`: the same, except the related
    // metric against what its driver implies.
    const departures = new Float64Array(this.dims);
    for (let d = 0; d < this.dims; d++) {
      const expected = this.count === 0 ? values[d] : this.expected(timeOfDay, d, o);
      departures[d] = (values[d] - expected) / this.noise(this.deviation(timeOfDay, d, o) * MAD_TO_STD, d);
    }
    // Departures stay unclipped: how far beyond the usual a value lies is what the day-part rule compares.
    const residuals = departures.map((z) => Math.max(-Z_CLIP, Math.min(Z_CLIP, z)));
    if (related !== null && o.loadRelation !== null) {
      const metric = o.loadRelation[0];
      residuals[metric] = this.standardised(values[metric] - related.expected, related.deviation, metric);
    }
    const point = new Float32Array(this.shingleSize * this.dims);
    point.set(this.history);
    point.set(residuals, this.history.length);
    return { point, residuals, departures, beyondRange: this.beyondRange(values), hour: Math.floor(timeOfDay) % HOURS };
  }

  /** Per metric, how far each value lies beyond the range seen lately, in shares of that range: + above, − below, 0 within. */
  private beyondRange(values: readonly number[]): Float64Array {
    const beyond = new Float64Array(this.dims);
    if (this.count === 0) return beyond;
    for (let d = 0; d < this.dims; d++) {
      const high = this.range[2 * d];
      const low = this.range[2 * d + 1];
      const width = Math.max(high - low, this.floor(d));
      if (values[d] > high) beyond[d] = (values[d] - high) / width;
      else if (values[d] < low) beyond[d] = (values[d] - low) / width;
    }
    return beyond;
  }

  private standardised(difference: number, deviation: number, d: number): number {
    return Math.max(-Z_CLIP, Math.min(Z_CLIP, difference / this.noise(deviation, d)));
  }

  /** A deviation, but never below the metric's floor. */
  private noise(deviation: number, d: number): number {
    return Math.max(deviation, this.floor(d));
  }

  /** The smallest spread a metric is credited with: flat series must not turn noise into huge z-scores or range shares. */
  private floor(d: number): number {
    return 0.01 * Math.abs(this.level[d]) + 1e-6;
  }

  /** Learns the sample after it has been scored. */
  learn(values: readonly number[], residuals: Float64Array, timeOfDay: number, timestampMs: number, o: DetectorOptions, unusual: boolean): void {
    const hour = Math.floor(timeOfDay) % HOURS;
    // During an incident the baselines and scale stay as they were: tomorrow must not expect today's
    // incident. A change that lasts past `acceptAfterSamples` is the new normal and is learned.
    const duringIncident = (unusual || this.quietFor > 0) && this.unusualRun < o.acceptAfterSamples;
    const warmingUp = this.count < o.warmupSamples;
    for (let d = 0; d < this.dims; d++) {
      const x = values[d];
      const i = hour * this.dims + d;
      if (this.count === 0) {
        this.level[d] = x;
        this.scale[d] = 0;
        this.seasonal[i] = x;
        this.median[d] = x;
        continue;
      }
      this.learnMedian(x, d);
      const expected = this.expected(timeOfDay, d, o);
      const deviation = this.deviation(timeOfDay, d, o);
      // Learn from a value pulled back towards what was expected, so one
      // incident neither becomes tomorrow's baseline nor inflates the scale.
      const limit = deviation > 0 ? LEARN_CLIP * deviation * MAD_TO_STD : Number.POSITIVE_INFINITY;
      const bounded = expected + Math.max(-limit, Math.min(limit, x - expected));
      const strayed = Math.abs(bounded - expected);
      // While warming up the scale learns from every sample, plainly at first: frozen by verdicts made with
      // it, a scale that starts at zero calls every sample unusual and never grows.
      if (!duringIncident || warmingUp) this.scale[d] += Math.max(o.scaleAlpha, warmingUp ? 1 / this.count : 0) * (strayed - this.scale[d]);
      this.level[d] += o.levelAlpha * (bounded - this.level[d]);
      const seen = this.seasonalCount[hour];
      // Until a bucket is trusted it averages its hour's values plainly: clipped against a baseline that is
      // not yet its own, the first day would drag every bucket towards the overall level. Only values far
      // outside the running median's fence are pulled in: a series that idles near zero with bursts would
      // otherwise start with baselines among its bursts, read its calm as many deviations low, and, with
      // learning paused while that lasts, stay wrong.
      if (seen < SEASONAL_READY) {
        const fence = FIRST_DAY_FENCE * MEDIAN_DEVIATION_TO_STD * Math.max(this.spread[d], this.floor(d));
        const typical = Math.max(this.median[d] - fence, Math.min(this.median[d] + fence, x));
        this.seasonal[i] += (typical - this.seasonal[i]) / (seen + 1);
      }
      else if (!duringIncident) {
        this.seasonal[i] += o.seasonalAlpha * (bounded - this.seasonal[i]);
        // The bucket's scale starts once its value is trusted (a scale against a moving baseline would be
        // inflated) and averages plainly until SCALE_READY.
        this.seasonalScale[i] += Math.max(o.seasonalAlpha, 1 / (seen - SEASONAL_READY + 1)) * (strayed - this.seasonalScale[i]);
      }
    }
    if (o.loadRelation !== null && !duringIncident) this.learnRelation(values, o);
    this.learnRange(values, o);
    if (this.seasonalCount[hour] < 65535) this.seasonalCount[hour]++;
    if (this.history.length) {
      this.history.copyWithin(0, this.dims);
      this.history.set(residuals, this.history.length - this.dims);
    }
    this.count++;
    this.lastSeenMs = timestampMs;
  }

  /**
   * Sign-step estimates of the median and of the median absolute deviation:
   * each moves the same amount whether a value is a little or a lot away, so
   * bursts cannot drag them. The spread starts from the first difference seen
   * and scales by a factor per step, so it finds any order of magnitude fast.
   */
  private learnMedian(x: number, d: number): void {
    const away = x - this.median[d];
    const spread = this.spread[d] > 0 ? this.spread[d] : Math.abs(away);
    this.median[d] += MEDIAN_STEP * spread * Math.sign(away);
    this.spread[d] = Math.abs(away) > spread ? spread * SPREAD_FACTOR : spread / SPREAD_FACTOR;
  }

  /** The range takes every value, anomalous or not: an unprecedented value is news once. */
  private learnRange(values: readonly number[], o: DetectorOptions): void {
    for (let d = 0; d < this.dims; d++) {
      const x = values[d];
      if (this.count === 0) {
        this.range[2 * d] = x;
        this.range[2 * d + 1] = x;
        continue;
      }
      const middle = (this.range[2 * d] + this.range[2 * d + 1]) / 2;
      const keep = 1 - o.recordDecay;
      this.range[2 * d] = Math.max(x, middle + (this.range[2 * d] - middle) * keep);
      this.range[2 * d + 1] = Math.min(x, middle + (this.range[2 * d + 1] - middle) * keep);
    }
  }

  /** Exponentially weighted (co)variance update; the metric is pulled back towards the relation's expectation like the baselines. */
  private learnRelation(values: readonly number[], o: DetectorOptions): void {
    if (o.loadRelation === null) return;
    const [metric, driver] = o.loadRelation;
    const related = this.related(values, o);
    const x = values[driver];
    const y = related ? related.expected + Math.max(-LEARN_CLIP, Math.min(LEARN_CLIP, (values[metric] - related.expected) / related.deviation)) * related.deviation : values[metric];
    const m = this.relation;
    if (this.count === 0) {
      m.set([x, y, 0, 0, 0]);
      return;
    }
    const alpha = Math.max(o.relationAlpha, 1 / (this.count + 1));
    const dx = x - m[0];
    const dy = y - m[1];
    m[0] += alpha * dx;
    m[1] += alpha * dy;
    m[2] = (1 - alpha) * (m[2] + alpha * dx * dx);
    m[3] = (1 - alpha) * (m[3] + alpha * dy * dy);
    m[4] = (1 - alpha) * (m[4] + alpha * dx * dy);
  }

  /**
   * The adaptive threshold: the score's recent level plus a multiple of its
   * typical deviation, and no lower than the peaks this key reached lately,
   * overall (unalarmed) and around this hour of day (alarmed or not).
   */
  threshold(o: DetectorOptions, hour: number): number {
    const around = Math.max(this.hourlyPeak[hour], this.hourlyPeak[(hour + 1) % HOURS], this.hourlyPeak[(hour + HOURS - 1) % HOURS]);
    return Math.max(
      this.scoreMean + o.thresholdSigmas * this.scoreDeviation * MAD_TO_STD,
      this.scoreMean * o.minThresholdRatio,
      this.normalPeak * o.peakRatio,
      around * o.hourlyPeakRatio,
    );
  }

  /**
   * Decides on a sample: anomalous when the forest's score passes the adaptive
   * threshold (sudden changes) unless its large departures recur at this time
   * of day, when a metric's CUSUM drifts (`cusum*`), when `jointMetrics`
   * metrics depart `jointSigmas` from their hourly baselines at once, when a
   * value lies well beyond the range its metric has shown lately (`record*`),
   * when a departure dwarfs those seen around this time of day (`dayPart*`),
   * or when a modest departure lasts unusually long (`sustained*`). `context`
   * comes from point(); judged without it, the hourly baselines are the
   * residuals and no range is known. Updates the threshold statistics with
   * the score clipped at the threshold.
   */
  judge(score: number, residuals: Float64Array, o: DetectorOptions, context: Partial<SampleContext> = {}): { threshold: number; isAnomaly: boolean; warmingUp: boolean; exceeds: boolean } {
    const { departures = residuals, beyondRange, hour = 0 } = context;
    const warmingUp = this.count < o.warmupSamples;
    const threshold = this.threshold(o, hour);
    let zMax = 0;
    for (const z of residuals) zMax = Math.max(zMax, Math.abs(z));
    const drifting = !warmingUp && this.drifting(residuals, o);
    // Several metrics far out together (an outage, a surge) need no forest to be believed, however noisy its scores are.
    // Counted against the hourly baselines: CPU that follows a traffic surge is explained, but still far out.
    let farOut = 0;
    for (const z of departures) if (Math.abs(z) >= o.jointSigmas) farOut++;
    // A value past anything the metric showed lately, and far from what this hour expects: the range alone would flag
    // a calm series' ordinary noise, the deviation alone a bursty series' every burst.
    let unprecedented = false;
    if (beyondRange) {
      for (let d = 0; d < this.dims; d++) {
        const beyond = beyondRange[d];
        if (beyond !== 0 && Math.abs(beyond) >= o.recordMargin && Math.sign(beyond) * departures[d] >= o.recordSigmas) unprecedented = true;
      }
    }
    const dayPart = this.againstDayPart(departures, hour, o);
    // The forest's scores for the same nightly spike vary from night to night; its departure does not. The spike
    // stays in the forest's shingle for a few samples: those without large departures of their own recur with it.
    const recurring = dayPart.recurring || (this.recurringFor > 0 && !dayPart.large);
    this.recurringFor = dayPart.recurring ? this.shingleSize - 1 : recurring ? this.recurringFor - 1 : 0;
    const forestAlarm = score > threshold && !recurring;
    const strayed = this.strayedFor(departures, o);
    const exceeds = !warmingUp && (forestAlarm || drifting || farOut >= o.jointMetrics || unprecedented || dayPart.unheardOf || strayed);
    // Learning pauses already at a few deviations: a slow drift must not be learned while it builds up.
    const unusual = exceeds || zMax >= FREEZE_SIGMAS;
    this.unusualRun = unusual ? this.unusualRun + 1 : 0;
    // One alarm per unbroken unusual stretch: a level shift that lasts is one incident, not one per hour.
    const isAnomaly = exceeds && this.quietFor === 0 && !(this.unusualRun > 1 && this.alarmedInStretch);
    if (isAnomaly) this.alarmedInStretch = true;
    else if (this.unusualRun === 0) {
      // Evidence gathered during an incident already raised is spent: its tail must not raise it again.
      if (this.alarmedInStretch) {
        this.resetDrift();
        this.sustained.fill(0);
      }
      this.alarmedInStretch = false;
    }
    if (isAnomaly) {
      this.quietFor = o.refractorySamples;
      // A raised drift starts its evidence afresh.
      this.resetDrift();
    }
    else if (this.quietFor > 0) this.quietFor--;
    this.normalPeak *= 1 - o.peakDecay;
    if (!isAnomaly && this.quietFor === 0) this.normalPeak = Math.max(this.normalPeak, score);
    for (let h = 0; h < HOURS; h++) this.hourlyPeak[h] *= 1 - o.hourlyPeakDecay;
    // Alarmed scores count from the second half of warm-up: the first ones, against a scale still near zero, say nothing.
    if (this.count >= o.warmupSamples / 2) this.hourlyPeak[hour] = Math.max(this.hourlyPeak[hour], score);
    const bounded = warmingUp ? score : Math.min(score, threshold);
    if (this.count === 0) this.scoreMean = bounded;
    const alpha = warmingUp ? Math.max(o.scoreAlpha, 1 / (this.count + 1)) : o.scoreAlpha;
    this.scoreDeviation += alpha * (Math.abs(bounded - this.scoreMean) - this.scoreDeviation);
    this.scoreMean += alpha * (bounded - this.scoreMean);
    return { threshold, isAnomaly, warmingUp, exceeds: unusual };
  }

  /**
   * This sample's large departures (`dayPartSigmas` or more) against the
   * largest departure on the same side seen in this and the neighbouring
   * parts of the day.
   * - `unheardOf`: one is at least `dayPartRatio` times that, in a series
   *   where departures that large are rare (at most `dayPartMaxRate` of
   *   samples lately). A nightly job's spike sets its own hours' peaks, so the
   *   same spike at noon, or a smaller one where the day is calm, still stands
   *   out; a bursty series, large departures at all hours, is left to the
   *   other rules.
   * - `recurring`: there are some, and each is within `dayPartRecurRatio`
   *   times what this time of day has shown: yesterday's spike at the same hour.
   * Also records this sample's departures, alarmed or not: news once.
   */
  private againstDayPart(departures: Float64Array, hour: number, o: DetectorOptions): { unheardOf: boolean; recurring: boolean; large: boolean } {
    const part = Math.floor((hour * DAY_PARTS) / HOURS);
    const peakAt = (p: number, d: number, side: number) => this.departurePeak[2 * (((p + DAY_PARTS) % DAY_PARTS) * this.dims + d) + side];
    let unheardOf = false;
    let large = 0;
    let seen = 0;
    for (let d = 0; d < this.dims; d++) {
      const z = departures[d];
      if (Math.abs(z) < o.dayPartSigmas) continue;
      large++;
      const side = z < 0 ? 1 : 0;
      const around = Math.max(peakAt(part - 1, d, side), peakAt(part, d, side), peakAt(part + 1, d, side));
      if (Math.abs(z) < o.dayPartRecurRatio * around) seen++;
      if (Math.abs(z) >= o.dayPartRatio * around && this.largeDepartureRate <= o.dayPartMaxRate) unheardOf = true;
    }
    this.largeDepartureRate += Math.max(LARGE_DEPARTURE_RATE_ALPHA, 1 / (this.count + 1)) * ((large > 0 ? 1 : 0) - this.largeDepartureRate);
    for (let i = 0; i < this.departurePeak.length; i++) this.departurePeak[i] *= 1 - o.hourlyPeakDecay;
    // Like the hourly score peaks, from the second half of warm-up: the first departures, against a scale still settling, say nothing.
    if (this.count >= o.warmupSamples / 2) {
      for (let d = 0; d < this.dims; d++) {
        const i = 2 * (part * this.dims + d) + (departures[d] < 0 ? 1 : 0);
        this.departurePeak[i] = Math.max(this.departurePeak[i], Math.abs(departures[d]));
      }
    }
    return { unheardOf, recurring: large > 0 && seen === large, large: large > 0 };
  }

  /**
   * Whether a metric's average departure over about the last hour
   * (`sustainedAlpha`, each departure clipped at `sustainedClip` so a spike
   * counts as one raised sample) reaches `sustainedSigmas` and `sustainedRatio`
   * times the largest excursion that average completed lately (fading by
   * `sustainedDecay`): a modest shift that lasts an hour, in a series whose
   * noise does not usually add up to that. An excursion ends when the average
   * comes back within a quarter of `sustainedSigmas`.
   */
  private strayedFor(departures: Float64Array, o: DetectorOptions): boolean {
    let strayed = false;
    const settled = o.sustainedSigmas / 4;
    for (let d = 0; d < this.dims; d++) {
      const z = Math.max(-o.sustainedClip, Math.min(o.sustainedClip, departures[d]));
      this.sustained[d] += o.sustainedAlpha * (z - this.sustained[d]);
      const height = Math.abs(this.sustained[d]);
      if (height >= o.sustainedSigmas && height >= o.sustainedRatio * this.sustainedPeak[d]) strayed = true;
      followExcursion(this.sustainedTop, this.sustainedPeak, d, height, height > settled, o.sustainedDecay);
      // While warming up, no alarm can come of it: the excursion still going when warm-up ends is history, not news.
      if (this.count < o.warmupSamples) this.sustainedPeak[d] = Math.max(this.sustainedPeak[d], height);
    }
    return strayed;
  }

  private resetDrift(): void {
    this.cusumHigh.fill(0);
    this.cusumLow.fill(0);
  }

  /**
   * Whether a metric's two-sided CUSUM of clipped residuals reaches
   * `cusumLimit` (a slow drift, which a forest absorbs as it creeps) and
   * `cusumMargin` times the largest excursion that metric completed lately.
   * Also tracks those excursions, unaffected by the resets after alarms.
   */
  private drifting(residuals: Float64Array, o: DetectorOptions): boolean {
    let drifting = false;
    for (let d = 0; d < this.dims; d++) {
      // Clipped steps: a drift is many moderate deviations in a row, not a few spikes.
      const z = Math.max(-o.cusumClip, Math.min(o.cusumClip, residuals[d]));
      this.cusumHigh[d] = Math.max(0, this.cusumHigh[d] + z - o.cusumSlack);
      this.cusumLow[d] = Math.max(0, this.cusumLow[d] - z - o.cusumSlack);
      const cusum = Math.max(this.cusumHigh[d], this.cusumLow[d]);
      if (cusum >= Math.max(o.cusumLimit, o.cusumMargin * this.excursionPeak[d])) drifting = true;
      this.excursion[2 * d] = Math.max(0, this.excursion[2 * d] + z - o.cusumSlack);
      this.excursion[2 * d + 1] = Math.max(0, this.excursion[2 * d + 1] - z - o.cusumSlack);
      const height = Math.max(this.excursion[2 * d], this.excursion[2 * d + 1]);
      followExcursion(this.excursionTop, this.excursionPeak, d, height, height > 0, o.peakDecay);
    }
    return drifting;
  }

  /**
   * A new key of a known group starts from a sibling's baseline and score
   * statistics: an ECS task replaced by a deploy is judged at once, not after
   * days of warm-up.
   */
  static seededFrom(sibling: ContainerModel): ContainerModel {
    const m = new ContainerModel(sibling.group, sibling.dims, sibling.shingleSize);
    m.count = sibling.count;
    m.scoreMean = sibling.scoreMean;
    m.scoreDeviation = sibling.scoreDeviation;
    m.normalPeak = sibling.normalPeak;
    m.level.set(sibling.level);
    m.scale.set(sibling.scale);
    m.seasonal.set(sibling.seasonal);
    m.seasonalScale.set(sibling.seasonalScale);
    m.seasonalCount.set(sibling.seasonalCount);
    m.relation.set(sibling.relation);
    // What the service usually does, not where the sibling's current excursion stands.
    m.hourlyPeak.set(sibling.hourlyPeak);
    m.departurePeak.set(sibling.departurePeak);
    m.largeDepartureRate = sibling.largeDepartureRate;
    m.range.set(sibling.range);
    m.median.set(sibling.median);
    m.spread.set(sibling.spread);
    m.excursionPeak.set(sibling.excursionPeak);
    m.sustainedPeak.set(sibling.sustainedPeak);
    return m;
  }

  write(w: ByteSink): void {
    w.string(this.group);
    w.u32(this.count);
    w.f64(this.lastSeenMs);
    w.u32(this.quietFor);
    w.u32(this.unusualRun);
    w.u8(this.alarmedInStretch ? 1 : 0);
    w.u8(this.recurringFor);
    w.f64(this.scoreMean);
    w.f64(this.scoreDeviation);
    w.f64(this.normalPeak);
    w.f64(this.largeDepartureRate);
    for (const a of [this.seasonal, this.seasonalScale, this.hourlyPeak, this.range, this.excursion, this.excursionTop, this.excursionPeak, this.median, this.spread, this.sustained, this.sustainedTop, this.sustainedPeak, this.departurePeak]) for (const v of a) w.f32(v);
    for (const a of [this.level, this.scale, this.history, this.cusumHigh, this.cusumLow, this.relation]) for (const v of a) w.f64(v);
    for (const c of this.seasonalCount) w.u32(c);
  }

  static read(r: BinaryReader, dims: number, shingleSize: number): ContainerModel {
    const m = new ContainerModel(r.string(), dims, shingleSize);
    m.count = r.u32();
    m.lastSeenMs = r.f64();
    m.quietFor = r.u32();
    m.unusualRun = r.u32();
    m.alarmedInStretch = r.u8() === 1;
    m.recurringFor = r.u8();
    m.scoreMean = r.f64();
    m.scoreDeviation = r.f64();
    m.normalPeak = r.f64();
    m.largeDepartureRate = r.f64();
    for (const a of [m.seasonal, m.seasonalScale, m.hourlyPeak, m.range, m.excursion, m.excursionTop, m.excursionPeak, m.median, m.spread, m.sustained, m.sustainedTop, m.sustainedPeak, m.departurePeak]) for (let i = 0; i < a.length; i++) a[i] = r.f32();
    for (const a of [m.level, m.scale, m.history, m.cusumHigh, m.cusumLow, m.relation]) for (let i = 0; i < a.length; i++) a[i] = r.f64();
    for (let i = 0; i < m.seasonalCount.length; i++) m.seasonalCount[i] = r.u32();
    return m;
  }
}
