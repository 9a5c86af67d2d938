/**
 * The embedded detector for a fleet: one small model per key (container) and
 * one random cut forest per group (ECS service), so 10,000 containers share a
 * few dozen forests. Each cycle's samples go through the stages in order:
 * features (time, seasonality, peers: key-model.ts, seasonality.ts, peers.ts),
 * then, per sample in judge-sample.ts, forest score (forest.ts) and each
 * metric's tail of values (peaks.ts) → calibration (calibration.ts) →
 * decision and attribution (detection.ts).
 * The whole state serializes to one compact, versioned binary object that
 * the Lambda keeps between runs.
 */
import { BinaryReader, BinaryWriter, ByteCounter, readMap, writeMap, type ByteSink } from './codec';
import { FEATURES_PER_METRIC, resolveOptions, type DetectorOptions } from './defaults';
import type { Detection, DetectorInput } from './detection';
import { RandomCutForest, type ForestOptions } from './forest';
import { judgeSample, type InFlight } from './judge-sample';
import { KeyModel } from './key-model';
import { FLEET_SHIFT, peerViews, serviceSizes, type PeerView } from './peers';
import { asPositionChange, movedWithService, withoutShared } from './shared-part';
import { mergeSimultaneousAlarms, raiseSharedEvents, type Member } from './shared-events';
import { ShiftsUnderWay } from './shifts-under-way';
import { deriveSeed, SeededRandom } from './random';
import { DetectorStateVersionError, restoringOptions } from './state-compat';
import { arrivalOf, localClock, type LocalClock } from './time';

export type { Detection, DetectionScope, DetectorInput } from './detection';

const MAGIC = 0x46444143; // "CADF"

const VERSION = 19;
/** Formats still restored: 18 kept no runs of repeated values (they start afresh), 17 neither those nor its shifts' starts. */
const RESTORED_VERSIONS = [17, 18, VERSION];
/** The key under which the fleet's own shared-shift episodes are remembered, beside the services'. */
const FLEET = FLEET_SHIFT;

export class FleetDetector {
  private readonly forests = new Map<string, RandomCutForest>();
  private readonly models = new Map<string, KeyModel>();
  /** Per group, the key updated most recently: the template for the group's new keys. */
  private readonly latestKey = new Map<string, string>();
  /** Per group (and FLEET), when its last shared-shift event was raised: one event per episode. */
  private readonly sharedAlarmMs = new Map<string, number>();
  /** Per group (and FLEET), the shared shifts under way. */
  private readonly shifts: ShiftsUnderWay;

  /** The wall clock of `options.timeZone`, shared by every key. */
  private readonly clock: LocalClock;

  private constructor(readonly options: DetectorOptions) {
    this.clock = localClock(options.timeZone);
    this.shifts = new ShiftsUnderWay(options.dimensions);
  }

  /** A fresh detector; `options.dimensions` defaults to 4 (the container metrics). */
  static create(options: Partial<DetectorOptions> = {}): FleetDetector {
    return new FleetDetector(resolveOptions(options));
  }

  private get forestOptions(): ForestOptions {
    const o = this.options;
    return { trees: o.trees, sampleSize: o.sampleSize, dimensions: FEATURES_PER_METRIC * o.dimensions * o.shingleSize, halfLifeMs: o.forestHalfLifeMs };
  }

  private forestFor(group: string): RandomCutForest {
    let forest = this.forests.get(group);
    if (!forest) {
      forest = new RandomCutForest(this.forestOptions, new SeededRandom(deriveSeed(this.options.seed, group)));
      this.forests.set(group, forest);
    }
    return forest;
  }

  private modelFor(key: string, group: string): KeyModel {
    let model = this.models.get(key);
    if (!model || model.group !== group) {
      const sibling = this.models.get(this.latestKey.get(group) ?? '');
      // Only a sibling past its own warm-up has anything to teach: the first cycle's keys each start afresh.
      const teaches = sibling !== undefined && sibling.group === group && sibling.historyMs(sibling.lastMs) >= this.options.warmupMs;
      model = teaches ? KeyModel.seededFrom(sibling) : new KeyModel(group, this.options.dimensions, this.options.shingleSize, this.clock);
      this.models.set(key, model);
    }
    this.latestKey.set(group, key);
    return model;
  }

  /**
   * Scores one sample of a single series (no peers) against what this key and
   * its group have seen so far (no look-ahead), then learns from it if it is
   * in order.
   *
   * @example
   * const d = FleetDetector.create();
   * const v = d.update('api-1', 'api', Date.now(), [42, 61, 12.5, 300]);
   * if (v.isAnomaly) console.log(v.probability, v.attribution);
   */
  update(key: string, group: string, timestampMs: number, values: number[]): Detection {
    return this.updateBatch([{ key, group, timestampMs, values }])[0];
  }

  /**
   * Scores one cycle's samples together, so each container is judged against
   * its peers as well as its own past: give a whole cycle per call (a service
   * split over calls is judged as that many smaller services). A key that
   * appears more than once is taken in order of appearance, one occurrence
   * per round.
   */
  updateBatch(inputs: readonly DetectorInput[]): Detection[] {
    const o = this.options;
    for (const s of inputs) {
      if (s.values.length !== o.dimensions) throw new Error(`detector expects ${o.dimensions} values per sample, got ${s.values.length}`);
      if (s.values.some((v) => !Number.isFinite(v))) throw new Error(`detector got a non-finite value for ${s.key}`);
      if (!Number.isFinite(s.timestampMs)) throw new Error(`detector got a timestamp that is not a number for ${s.key}`);
    }
    const out = new Array<Detection>(inputs.length);
    let pending = inputs.map((_, i) => i);
    while (pending.length > 0) {
      const seen = new Set<string>();
      const round: number[] = [];
      const later: number[] = [];
      for (const i of pending) (seen.has(inputs[i].key) ? later : round).push(i);
      round.forEach((i) => seen.add(inputs[i].key));
      const judged = this.judge(round.map((i) => inputs[i]));
      round.forEach((i, k) => (out[i] = judged[k]));
      pending = later;
    }
    return out;
  }

  /** One round: every key at most once. */
  private judge(inputs: readonly DetectorInput[]): Detection[] {
    const o = this.options;
    // Stage 1: features — time (arrival), seasonality (residuals), then peers.
    const flights: InFlight[] = inputs.map((input) => {
      const model = this.modelFor(input.key, input.group);
      const arrival = model.samples === 0 || !Number.isFinite(model.lastMs) ? 'in-order' : arrivalOf(model.lastMs, input.timestampMs);
      return { input, model, arrival, residuals: model.residuals(input.values, input.timestampMs), positions: model.positions(input.values, input.timestampMs) };
    });
    const inOrder = flights.filter((f) => f.arrival === 'in-order');
    const views = new Map(inOrder.map((f, k) => [f, k]));
    const now = inOrder.length > 0 ? inOrder[0].input.timestampMs : 0;
    const ongoing = this.shifts.underWay(now, o);
    const found = new Map<string, number>();
    const sizes = serviceSizes(this.models.values(), new Map(inOrder.map((f) => [f.model, f.input.timestampMs])));
    const peers = peerViews(inOrder.map((f) => ({ group: f.input.group, ...f.residuals })), o.dimensions, o.peerShare, ongoing, found, sizes);
    // The metrics of a shift that has lasted an episode, adopted this round; each member's own residuals, for the events.
    const adopting = this.shifts.record(found, now, o);
    const members: Member[] = flights.map((f) => ({ group: f.input.group, serviceSize: sizes.get(f.input.group) ?? 1, timestampMs: f.input.timestampMs, stepMs: f.model.stepMs, z: f.residuals.z }));
    const detections = flights.map((f, m) => {
      const view: PeerView | undefined = peers[views.get(f) ?? -1];
      // The shared part (a relative change) in each container's units, after and through the load relation (CPU that follows a fleet-wide traffic drop is the drop's).
      const { residuals, positions } = f;
      const decoupled = f.model.decoupled(residuals.z, o);
      const own = view ? withoutShared(decoupled, view.common, residuals.perUnit, (shift) => f.model.decoupled(shift, o)) : decoupled;
      const ownPosition = view ? withoutShared(positions.z, asPositionChange(view.common, residuals, positions.relative), positions.perUnit) : positions.z;
      // Each metric adopts on the clock of the shift taken out of it (a deploy's service, not a fleet shift its size dragged along: adopted twice otherwise).
      const fresh = view ? ((adopting.get(FLEET) ?? 0) & ~view.byService) | ((adopting.get(f.input.group) ?? 0) & view.byService) : 0;
      const shared = view && fresh ? f.model.toAdopt(view.adoptLimit, fresh, residuals, positions, o) : undefined;
      [members[m].z, members[m].moved] = [own, view && movedWithService(decoupled, view)];
      return judgeSample(f, this.forestFor(f.input.group), f.model.point(own, ownPosition), view?.scope ?? 'container', o, shared, view?.common);
    });
    raiseSharedEvents(members, detections, this.sharedAlarmMs, o);
    mergeSimultaneousAlarms(members, detections, this.sharedAlarmMs, o);
    return detections.map(({ detection }) => detection);
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
      if (nowMs - m.lastMs > maxIdleMs) {
        this.models.delete(key);
        removed++;
      }
    }
    const live = new Set([...this.models.values()].map((m) => m.group));
    for (const g of this.forests.keys()) if (!live.has(g)) this.forests.delete(g);
    for (const g of this.sharedAlarmMs.keys()) if (g !== FLEET && !live.has(g)) this.sharedAlarmMs.delete(g);
    this.shifts.prune((g) => g === FLEET || live.has(g));
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
    writeMap(w, this.forests, (forest) => forest.write(w));
    writeMap(w, this.models, (model, key) => {
      model.write(w);
      w.string(this.latestKey.get(model.group) ?? key);
    });
    writeMap(w, this.sharedAlarmMs, (t) => w.f64(t));
    this.shifts.write(w);
  }

  /** Restores a state under its own options, or under `options` where it was learned under the same days and layout (state-compat.ts). */
  static deserialize(bytes: Uint8Array, options?: DetectorOptions): FleetDetector {
    const r = new BinaryReader(bytes);
    if (r.u32() !== MAGIC) throw new Error('not a detector state (bad magic number)');
    const version = r.u32();
    if (!RESTORED_VERSIONS.includes(version)) throw new DetectorStateVersionError(version, VERSION);
    const stored = resolveOptions(JSON.parse(r.string()) as Partial<DetectorOptions>);
    const detector = new FleetDetector(options === undefined ? stored : restoringOptions(stored, options));
    const o = detector.options;
    readMap(r, detector.forests, () => RandomCutForest.read(r, detector.forestOptions));
    readMap(r, detector.models, () => {
      const model = KeyModel.read(r, o.dimensions, o.shingleSize, detector.clock, version >= 19);
      detector.latestKey.set(model.group, r.string());
      return model;
    });
    readMap(r, detector.sharedAlarmMs, () => r.f64());
    // Format 17 kept no shift's start (only its metrics and end): its shifts under way are forgotten.
    if (version >= 18) detector.shifts.read(r);
    else readMap(r, new Map<string, [number, number]>(), () => [r.u32(), r.f64()]);
    if (!r.done) throw new Error('detector state has trailing bytes');
    return detector;
  }
}
