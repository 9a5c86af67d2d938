/**
 * The embedded detector for a fleet: one small model per key (container) and
 * one random cut forest per group (ECS service), so 10,000 containers share a
 * few dozen forests. The whole state serializes to one compact binary object
 * that the Lambda keeps in the archive bucket between runs.
 */
import { BinaryReader, BinaryWriter, ByteCounter, type ByteSink } from './codec';
import { ContainerModel } from './container-model';
import { resolveOptions, type DetectorOptions } from './defaults';
import { RandomCutForest } from './forest';
import { deriveSeed, SeededRandom } from './random';

/** One verdict: the score, the threshold it was judged by, and which dimensions pushed it up or down. */
export interface Detection {
  score: number;
  threshold: number;
  isAnomaly: boolean;
  warmingUp: boolean;
  /**
   * The sample is part of an unusual stretch, alarmed or not: the model raises
   * one alarm per stretch, so this says whether the stretch is still going.
   */
  unusual: boolean;
  /** Per input dimension, in input order. */
  attribution: { high: number[]; low: number[] };
  /**
   * Who the evidence points at: this container alone, or a shift most of its
   * service (or the whole fleet) shares at this moment — at most one event, never a scale-out on its own.
   */
  scope: DetectionScope;
}

export type DetectionScope = 'container' | 'service' | 'fleet';

/** One sample of one key, as a cycle hands it to {@link FleetDetector.updateBatch}. */
export interface DetectorInput {
  key: string;
  group: string;
  timestampMs: number;
  values: number[];
}

const MAGIC = 0x46444143; // "CADF"

/** A readable state of another format (what a deploy that changes the format leaves): the caller decides what to do. */
export class DetectorStateVersionError extends Error {
  constructor(
    readonly found: number,
    readonly expected: number,
  ) {
    super(`detector state version ${found} is not supported (expected ${expected})`);
    this.name = 'DetectorStateVersionError';
  }
}
const VERSION = 11;

export class FleetDetector {
  private readonly forests = new Map<string, RandomCutForest>();
  private readonly models = new Map<string, ContainerModel>();
  /** Per group, the key updated most recently: the template for the group's new keys. */
  private readonly latestKey = new Map<string, string>();

  private constructor(readonly options: DetectorOptions) {}

  /** A fresh detector; `options.dimensions` defaults to 4 (the container metrics). */
  static create(options: Partial<DetectorOptions> = {}): FleetDetector {
    return new FleetDetector(resolveOptions(options));
  }

  private forestFor(group: string): RandomCutForest {
    let forest = this.forests.get(group);
    if (!forest) {
      const o = this.options;
      forest = new RandomCutForest(
        { trees: o.trees, sampleSize: o.sampleSize, dimensions: o.dimensions * o.shingleSize, decay: o.decay },
        new SeededRandom(deriveSeed(o.seed, group)),
      );
      this.forests.set(group, forest);
    }
    return forest;
  }

  /**
   * Scores the sample against what this key and its group have seen so far
   * (no look-ahead), then learns from it.
   *
   * @example
   * const d = FleetDetector.create();
   * const v = d.update('api-1', 'api', Date.now(), [42, 61, 12.5, 300]);
   * if (v.isAnomaly) console.log(v.score, v.attribution);
   */
  update(key: string, group: string, timestampMs: number, values: number[]): Detection {
    const o = this.options;
    if (values.length !== o.dimensions) throw new Error(`detector expects ${o.dimensions} values per sample, got ${values.length}`);
    if (values.some((v) => !Number.isFinite(v))) throw new Error(`detector got a non-finite value for ${key}`);
    let model = this.models.get(key);
    if (!model || model.group !== group) {
      const sibling = this.models.get(this.latestKey.get(group) ?? '');
      model = sibling && sibling.group === group ? ContainerModel.seededFrom(sibling) : new ContainerModel(group, o.dimensions, o.shingleSize);
      this.models.set(key, model);
    }
    this.latestKey.set(group, key);
    const timeOfDay = (((timestampMs / 3_600_000) % 24) + 24) % 24;
    const { point, residuals, ...context } = model.point(values, timeOfDay, o);
    const forest = this.forestFor(group);
    const scored = forest.scoreAndUpdate(point);
    const { exceeds, ...verdict } = model.judge(scored.score, residuals, o, context);
    model.learn(values, residuals, timeOfDay, timestampMs, o, exceeds);
    const high = new Array<number>(o.dimensions).fill(0);
    const low = new Array<number>(o.dimensions).fill(0);
    for (let i = 0; i < scored.high.length; i++) {
      high[i % o.dimensions] += scored.high[i];
      low[i % o.dimensions] += scored.low[i];
    }
    return { score: scored.score, ...verdict, unusual: exceeds, attribution: { high, low }, scope: 'container' };
  }

  /** Scores one cycle's samples (each key at most once, all at about the same time), so peers can be compared. */
  updateBatch(inputs: readonly DetectorInput[]): Detection[] {
    return inputs.map((s) => this.update(s.key, s.group, s.timestampMs, s.values));
  }

  /** Number of tracked keys. */
  size(): number {
    return this.models.size;
  }

  groups(): number {
    return this.forests.size;
  }

  /** Forgets keys unseen for `maxIdleMs`, and groups left without keys. Returns the keys removed. */
  prune(nowMs: number, maxIdleMs: number): number {
    let removed = 0;
    for (const [key, m] of this.models) {
      if (nowMs - m.lastSeenMs > maxIdleMs) {
        this.models.delete(key);
        removed++;
      }
    }
    const live = new Set([...this.models.values()].map((m) => m.group));
    for (const g of this.forests.keys()) if (!live.has(g)) this.forests.delete(g);
    return removed;
  }

  serialize(): Uint8Array {
    // Measured first, then written into a buffer of exactly that size: at 10,000 containers a chunked write
    // and its final join held the state twice at the cycle's peak.
    const counter = new ByteCounter();
    this.write(counter);
    const w = new BinaryWriter(counter.length);
    this.write(w);
    return w.bytes();
  }

  private write(w: ByteSink): void {
    w.u32(MAGIC);
    w.u32(VERSION);
    w.string(JSON.stringify(this.options));
    w.u32(this.forests.size);
    for (const [group, forest] of [...this.forests].sort(([a], [b]) => (a < b ? -1 : 1))) {
      w.string(group);
      forest.write(w);
    }
    w.u32(this.models.size);
    for (const [key, model] of [...this.models].sort(([a], [b]) => (a < b ? -1 : 1))) {
      w.string(key);
      model.write(w);
      w.string(this.latestKey.get(model.group) ?? key);
    }
  }

  static deserialize(bytes: Uint8Array): FleetDetector {
    const r = new BinaryReader(bytes);
    if (r.u32() !== MAGIC) throw new Error('not a detector state (bad magic number)');
    const version = r.u32();
    if (version !== VERSION) throw new DetectorStateVersionError(version, VERSION);
    const detector = new FleetDetector(resolveOptions(JSON.parse(r.string()) as Partial<DetectorOptions>));
    const o = detector.options;
    const forestOptions = { trees: o.trees, sampleSize: o.sampleSize, dimensions: o.dimensions * o.shingleSize, decay: o.decay };
    for (let n = r.u32(); n > 0; n--) {
      const group = r.string();
      detector.forests.set(group, RandomCutForest.read(r, forestOptions));
    }
    for (let n = r.u32(); n > 0; n--) {
      const key = r.string();
      const model = ContainerModel.read(r, o.dimensions, o.shingleSize);
      detector.models.set(key, model);
      detector.latestKey.set(model.group, r.string());
    }
    if (!r.done) throw new Error('detector state has trailing bytes');
    return detector;
  }
}
