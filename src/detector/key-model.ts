/**
 * What the detector remembers about one key (one container, or one series in
 * the CLI): its clock (first and last timestamp, step), its seasonal baseline,
 * the relation between its load metrics, the last residual vectors (the
 * forest's shingle), its score tail, each metric's highest recent values
 * (its tail of values), each hour's recurring evidence (in its calibration),
 * each metric's runs of one repeated value and its episode. About 5.6 KB for
 * four metrics, 1.4 KB of it the tails and 0.6 KB the hours' peaks; the
 * forests are shared per group.
 */
import type { BinaryReader, ByteSink } from './codec';
import { TailCalibrator } from './calibration';
import { FEATURES_PER_METRIC, type DetectorOptions } from './defaults';
import { Episodes } from './episodes';
import { FrozenRuns } from './frozen';
import { PeakTail, tailProbability } from './peaks';
import { LongRunPosition, positionHalfLifeMs } from './position';
import { sharedPart, type SharedPart } from './shared-part';
import { clipZ, noResiduals, SeasonalBaseline, type Residuals } from './seasonality';
import { Slab } from './slab';
import { nextStep, weightAfter, type LocalClock } from './time';

const VAR_DRIVER = 0;
const VAR_METRIC = 1;
const COVARIANCE = 2;

/** Slab sizes by layout (dims, shingle): measured once. */
const layoutBytes = new Map<string, number>();

export class KeyModel {
  samples = 0;
  firstMs = Number.NaN;
  lastMs = Number.NaN;
  stepMs = 0;
  offStep = 0;
  /** Which of its unusual samples are news (episodes.ts). */
  readonly episodes: Episodes;
  readonly baseline: SeasonalBaseline;
  readonly calibrator: TailCalibrator;
  /** Moments of the (driver, metric) residuals behind the load relation: variances and covariance. */
  readonly relation: Float64Array;
  /** Where each value stands against the key's long-run level. */
  readonly position: LongRunPosition;
  /** Each metric's highest values of the recent past: its tail. */
  readonly peaks: PeakTail;
  /** The previous (shingleSize − 1) feature vectors, oldest first. */
  readonly history: Float32Array;
  /** Each metric's runs of one repeated value, and how often it repeats. */
  readonly frozen: FrozenRuns;
  private readonly slab: Slab;

  constructor(
    readonly group: string,
    readonly dims: number,
    readonly shingleSize: number,
    /** The key's time zone's wall clock: what its hours and weekdays are. */
    readonly clock: LocalClock,
  ) {
    const layout = (s: Slab) => this.carve(s);
    const id = `${dims}x${shingleSize}`;
    let bytes = layoutBytes.get(id);
    if (bytes === undefined) layoutBytes.set(id, (bytes = Slab.measure(layout)));
    this.slab = new Slab(bytes);
    const carved = this.carve(this.slab);
    this.slab.assertFull();
    this.episodes = new Episodes(dims);
    ({ baseline: this.baseline, calibrator: this.calibrator, relation: this.relation, position: this.position, peaks: this.peaks, history: this.history, frozen: this.frozen } = carved);
  }

  private carve(s: Slab): { baseline: SeasonalBaseline; calibrator: TailCalibrator; relation: Float64Array; position: LongRunPosition; peaks: PeakTail; history: Float32Array; frozen: FrozenRuns } {
    return {
      calibrator: new TailCalibrator(s, this.clock),
      relation: s.f64(3),
      baseline: new SeasonalBaseline(this.dims, s, this.clock),
      position: new LongRunPosition(this.dims, s),
      peaks: new PeakTail(this.dims, s),
      history: s.f32((this.shingleSize - 1) * this.featureDims),
      // Carved last: a state before format 19 ends before it.
      frozen: new FrozenRuns(this.dims, s),
    };
  }

  /** Numbers per sample in a forest point: each metric's residual, then each metric's position. */
  get featureDims(): number {
    return FEATURES_PER_METRIC * this.dims;
  }

  /** How much history the key has at `timestampMs`. */
  historyMs(timestampMs: number): number {
    return this.samples === 0 ? 0 : timestampMs - this.firstMs;
  }

  warmupEndsAtMs(timestampMs: number, o: DetectorOptions): number {
    return (this.samples === 0 ? timestampMs : this.firstMs) + o.warmupMs;
  }

  /** Whether the key was seeded from a sibling and has not had a sample of its own yet. */
  private get seeded(): boolean {
    return this.samples > 0 && !Number.isFinite(this.lastMs);
  }

  /** Standardised residuals against the key's own baseline (all zero for its first sample, seeded or not). */
  residuals(values: readonly number[], timestampMs: number): Residuals {
    if (this.samples === 0 || this.seeded) return noResiduals(this.dims);
    return this.baseline.residuals(values, timestampMs, this.historyMs(timestampMs));
  }

  /** Positions against the key's long-run level (all zero for its first sample, seeded or not, like the residuals). */
  positions(values: readonly number[], timestampMs: number): Residuals {
    if (this.samples === 0 || this.seeded) return noResiduals(this.dims);
    return this.position.of(values, (d) => this.baseline.hourlyNoise(d, timestampMs, this.historyMs(timestampMs)));
  }

  /**
   * Per metric, the chance of a value at least this high under the key's
   * tail over the calibration window (1 where the tail is still being
   * learned), how many tests were judged, and per metric the chance of
   * its run of one repeated value (1 where none is judged).
   */
  tails(values: readonly number[], timestampMs: number, o: DetectorOptions, inOrder: boolean): { probability: Float64Array; judged: number; runs: Float64Array } {
    const probability = new Float64Array(this.dims).fill(1);
    const runs = new Float64Array(this.dims).fill(1);
    let judged = 0;
    // A run is judged on in-order samples only (a duplicate row repeats by definition). Its test counts only where
    // a run is judged: elsewhere it cannot fire, and counting it would halve every other test's share.
    for (let d = 0; inOrder && d < this.dims; d++) {
      if (!this.frozen.judges(d, values[d], o.warmupMs)) continue;
      runs[d] = probability[d] = this.frozen.probability(d);
      judged++;
    }
    for (let d = 0; d < this.dims; d++) {
      // The scale's floor is the metric's noise, not its long-run spread: on a daily cycle the spread is the cycle's swing.
      const noise = this.baseline.residualNoise(d, timestampMs, this.historyMs(timestampMs));
      const fit = this.peaks.fit(d, timestampMs, o.calibrationHalfLifeMs, o.warmupMs, noise);
      if (fit === null) continue;
      probability[d] = Math.min(probability[d], tailProbability(fit, values[d]));
      judged++;
    }
    return { probability, judged, runs };
  }

  /** How much of the driver's residual the related metric's follows, in z units (its regression slope). */
  private slope(): number {
    const r = this.relation;
    return r[VAR_DRIVER] > 0 ? r[COVARIANCE] / r[VAR_DRIVER] : 0;
  }

  /**
   * The related metric judged on what its driver's residual does not explain
   * (its partial residual, restandardised): CPU that rises while traffic stays
   * flat stands out, CPU that follows a traffic surge is the surge's.
   */
  decoupled(z: Float64Array, o: DetectorOptions): Float64Array {
    if (o.loadRelation === null || this.samples === 0) return z;
    const [metric, driver] = o.loadRelation;
    const r = this.relation;
    const slope = this.slope();
    const unexplained = Math.sqrt(Math.max(r[VAR_METRIC] - slope * r[COVARIANCE], 0.25 * r[VAR_METRIC], 1e-6));
    const out = Float64Array.from(z);
    out[metric] = clipZ((z[metric] - slope * z[driver]) / unexplained);
    return out;
  }

  /** The forest point: the previous feature vectors, then this one (residuals, then positions). */
  point(residuals: Float64Array, positions: Float64Array): Float32Array {
    const point = new Float32Array(this.shingleSize * this.featureDims);
    point.set(this.history);
    point.set(residuals, this.history.length);
    point.set(positions, this.history.length + this.dims);
    return point;
  }

  /** Time since the key's last sample; one step for a key seeded from a sibling, which has no sample of its own yet. */
  elapsedTo(timestampMs: number): number {
    return Number.isFinite(this.lastMs) ? timestampMs - this.lastMs : this.stepMs;
  }

  /** The weight a memory of `halfLifeMs` gives the sample now being learned (a plain average for the first ones). */
  weight(timestampMs: number, halfLifeMs: number): number {
    return this.samples === 0 ? 1 : Math.max(weightAfter(this.elapsedTo(timestampMs), halfLifeMs), 1 / (this.samples + 1));
  }

  /**
   * What the key adopts of a shift its peers share (on the metrics in
   * `fresh`, each up to its `limit`): its own departure in residuals and
   * position, with the related metric following its driver as far as the
   * load relation explains it — CPU that fell with a fleet-wide traffic drop
   * adopts the drop's share, even where too few peers' CPU moved to count.
   */
  toAdopt(limit: Float64Array, fresh: number, residuals: Residuals, positions: Residuals, o: DetectorOptions): SharedPart {
    const shared = { level: sharedPart(residuals.relative, limit, fresh), position: sharedPart(positions.relative, limit, fresh) };
    if (o.loadRelation === null) return shared;
    const [metric, driver] = o.loadRelation;
    const { perUnit } = residuals;
    if (shared.level[metric] !== 0 || shared.level[driver] === 0 || perUnit[metric] <= 0) return shared;
    // The driver's adopted change in its z units, through the relation's slope, as a share of the metric's expected value.
    const explained = (this.slope() * shared.level[driver] * perUnit[driver]) / perUnit[metric];
    const own = residuals.relative[metric];
    const level = Float64Array.from(shared.level);
    level[metric] = explained > 0 ? Math.min(explained, Math.max(own, 0)) : Math.max(explained, Math.min(own, 0));
    return { level, position: shared.position };
  }

  /** Takes a shift the key shares with its peers (relative changes per metric) into its baseline and long-run position at once. */
  adoptShared(shared: SharedPart, timestampMs: number): void {
    this.baseline.scaleExpected(shared.level, timestampMs);
    this.position.scale(shared.position);
  }

  /** Learns an in-order sample: `z` its residuals before peers were taken out, `point` what the forest saw. */
  learn(values: readonly number[], timestampMs: number, z: Float64Array, point: Float32Array, o: DetectorOptions): void {
    this.peaks.learn(values, timestampMs, o.calibrationHalfLifeMs);
    this.frozen.learn(values, timestampMs, this.weight(timestampMs, o.calibrationHalfLifeMs));
    if (this.samples === 0) {
      this.firstMs = timestampMs;
      this.baseline.start(values);
      this.position.start(values);
      this.relation.set([1, 1, 0]);
    } else {
      if (this.seeded) {
        this.baseline.rebase(values, timestampMs);
        this.position.rebase(values);
      }
      this.position.learn(values, this.weight(timestampMs, positionHalfLifeMs(o)));
      const elapsed = this.elapsedTo(timestampMs);
      ({ stepMs: this.stepMs, offStep: this.offStep } = nextStep({ stepMs: this.stepMs, offStep: this.offStep }, elapsed));
      this.baseline.learn(values, timestampMs, elapsed, this.samples, o);
      if (o.loadRelation !== null) {
        const [metric, driver] = o.loadRelation;
        const w = this.weight(timestampMs, o.scaleHalfLifeMs);
        // Clipped like the baselines: one incident must not become the relation.
        const x = Math.max(-4, Math.min(4, z[driver]));
        const y = Math.max(-4, Math.min(4, z[metric]));
        const r = this.relation;
        r[VAR_DRIVER] += w * (x * x - r[VAR_DRIVER]);
        r[VAR_METRIC] += w * (y * y - r[VAR_METRIC]);
        r[COVARIANCE] += w * (x * y - r[COVARIANCE]);
      }
    }
    if (this.history.length > 0) {
      this.history.copyWithin(0, this.featureDims);
      this.history.set(point.subarray(point.length - this.featureDims), this.history.length - this.featureDims);
    }
    this.lastMs = timestampMs;
    this.samples++;
  }

  /** A new key of a known group starts from a sibling's baseline, relation and score tail: a replaced ECS task is judged at once. */
  static seededFrom(sibling: KeyModel): KeyModel {
    const m = new KeyModel(sibling.group, sibling.dims, sibling.shingleSize, sibling.clock);
    m.slab.copyFrom(sibling.slab);
    // The sibling's own recent residuals, and its values' peaks, are not this container's; its hours' recurring evidence
    // (a job every task runs) is kept, as its profiles and hours' noise are.
    m.history.fill(0);
    m.peaks.clear();
    m.frozen.clearRuns();
    m.samples = sibling.samples;
    m.firstMs = sibling.firstMs;
    m.stepMs = sibling.stepMs;
    return m;
  }

  write(w: ByteSink): void {
    w.string(this.group);
    w.u32(this.samples);
    w.f64(this.firstMs);
    w.f64(this.lastMs);
    w.f64(this.stepMs);
    w.u8(this.offStep);
    this.episodes.write(w);
    this.slab.write(w);
  }

  /** `withRuns`: the state holds the runs of repeated values (format 19 on), carved last; an older one leaves them fresh. */
  static read(r: BinaryReader, dims: number, shingleSize: number, clock: LocalClock, withRuns: boolean): KeyModel {
    const m = new KeyModel(r.string(), dims, shingleSize, clock);
    m.samples = r.u32();
    m.firstMs = r.f64();
    m.lastMs = r.f64();
    m.stepMs = r.f64();
    m.offStep = r.u8();
    m.episodes.read(r);
    // An older state ends where the runs' own array begins.
    m.slab.read(r, withRuns ? undefined : m.slab.arrays().indexOf(m.frozen.state));
    return m;
  }
}
