import { BinaryWriter } from '../../../src/detector/codec';
import { DetectorStateVersionError, FleetDetector, RandomCutForest, RandomCutTree, SeededRandom, resolveOptions } from '../../../src/detector';


describe('random cut tree', () => {
  it('keeps masses, boxes and cuts consistent through random inserts and deletes', () => {
    const rng = new SeededRandom(3);
    const tree = new RandomCutTree(3);
    const live: number[] = [];
    for (let i = 0; i < 600; i++) {
      const p = Float32Array.from([rng.normal(), rng.normal(), i % 7 === 0 ? 1 : rng.normal()]);
      live.push(tree.insert(p, rng));
      // Exact duplicates share a leaf.
      if (i % 50 === 0) live.push(tree.insert(Float32Array.from(p), rng));
      if (live.length > 64) live.splice(0, 1).forEach((slot) => tree.delete(slot));
      tree.verify();
    }
    expect(tree.size).toBe(live.length);
    for (const slot of live) tree.delete(slot);
    expect(tree.size).toBe(0);
  });

  it('refuses to delete a slot it does not hold', () => {
    expect(() => new RandomCutTree(1).delete(5)).toThrow('slot 5 is not in the tree');
  });
});

describe('random cut forest', () => {
  const forest = () => new RandomCutForest({ trees: 40, sampleSize: 128, dimensions: 2, halfLifeMs: Number.POSITIVE_INFINITY }, new SeededRandom(11));

  it('scores an outlier far above the points around it', () => {
    const f = forest();
    const rng = new SeededRandom(5);
    let typical = 0;
    for (let i = 0; i < 500; i++) {
      const s = f.scoreAndUpdate(Float32Array.from([rng.normal(), rng.normal()]), i);
      if (i >= 400) typical += s.score / 100;
    }
    const outlier = f.scoreAndUpdate(Float32Array.from([9, 0]), 500);
    expect(outlier.score).toBeGreaterThan(5 * typical);
  });

  it('attributes the score to the dimension and direction that moved', () => {
    const f = forest();
    const rng = new SeededRandom(6);
    for (let i = 0; i < 400; i++) f.scoreAndUpdate(Float32Array.from([rng.normal(), rng.normal()]), i);
    const up = f.scoreAndUpdate(Float32Array.from([0, 12]), 400);
    expect(up.high[1]).toBeGreaterThan(10 * (up.high[0] + up.low[0] + up.low[1]));
    const down = f.scoreAndUpdate(Float32Array.from([-12, 0]), 401);
    expect(down.low[0]).toBeGreaterThan(10 * (down.high[0] + down.high[1] + down.low[1]));
  });

  it('keeps each tree’s sample within the sample size', () => {
    const f = new RandomCutForest({ trees: 5, sampleSize: 32, dimensions: 1, halfLifeMs: 100 }, new SeededRandom(1));
    for (let i = 0; i < 300; i++) f.scoreAndUpdate(Float32Array.from([i % 10]), i);
    for (const t of f.trees) {
      expect(t.size).toBe(32);
      t.verify();
    }
  });
});

/** A week of one container at 5-minute steps with a daily traffic wave, and an optional CPU runaway. */
function week(seed: number, incidentAt?: number): Array<{ t: number; v: number[] }> {
  const rng = new SeededRandom(seed);
  const start = Date.parse('2026-11-01T00:00:00Z');
  return Array.from({ length: 7 * 288 }, (_, i) => {
    const traffic = 50 + 30 * Math.sin((2 * Math.PI * (i % 288)) / 288);
    let cpu = 20 + 0.6 * traffic + 1.5 * rng.normal();
    if (incidentAt !== undefined && i >= incidentAt && i < incidentAt + 30) cpu += 30;
    return { t: start + i * 300_000, v: [cpu, 40 + rng.normal(), traffic + 2 * rng.normal(), 100 + 5 * rng.normal()] };
  });
}

describe('FleetDetector', () => {
  it('finds a CPU runaway with flat traffic, names CPU going up, and stays quiet through daily peaks', () => {
    const d = FleetDetector.create();
    const flagged: number[] = [];
    let incident: ReturnType<FleetDetector['update']> | undefined;
    week(21, 1500).forEach(({ t, v }, i) => {
      const r = d.update('api-1', 'api', t, v);
      if (r.isAnomaly) flagged.push(i);
      if (r.isAnomaly && i >= 1500 && !incident) incident = r;
    });
    expect(flagged.filter((i) => i >= 1500 && i < 1510)).toHaveLength(1);
    const falseAlarms = flagged.filter((i) => i < 1500 || i >= 1540);
    expect(falseAlarms.length).toBeLessThanOrEqual(2);
    const { high, low } = incident!.attribution;
    expect(high[0]).toBe(Math.max(...high, ...low));
  });

  it('expects a daily three-hour batch seen from the first day: never raised in its steady hours, at most once a night at an edge', () => {
    // Known limit: the batch starts and ends on the hour, a step the interpolated hourly profile smooths, so an
    // edge can stand out just past the risk level; each such alarm widens the key's tail a little (calibration.test.ts).
    const rng = new SeededRandom(3);
    const start = Date.parse('2026-11-01T00:00:00Z');
    const d = FleetDetector.create({ dimensions: 1 });
    const alarms: number[] = [];
    for (let i = 0; i < 7 * 288; i++) {
      const hour = Math.floor((i % 288) / 12);
      const value = hour >= 2 && hour < 5 ? 90 + 3 * rng.normal() : 5 + rng.normal();
      if (d.update('batch', 'batch', start + i * 300_000, [value]).isAnomaly) alarms.push(i % 288);
    }
    expect(alarms.length).toBeLessThanOrEqual(6);
    const nearEdge = (minute: number) => [120, 300].some((edge) => Math.abs(minute - edge) <= 10);
    expect(alarms.every((step) => nearEdge(step * 5))).toBe(true);
  });

  it('does not call anything anomalous while warming up, and says when warm-up ends', () => {
    const d = FleetDetector.create();
    const data = week(3);
    const early = data.slice(0, 288).map(({ t, v }) => d.update('c', 'g', t, v));
    expect(early.every((r) => r.warmingUp && !r.isAnomaly && r.warmupEndsAtMs === data[0].t + 86_400_000)).toBe(true);
    expect(d.update('c', 'g', data[288].t, data[288].v).warmingUp).toBe(false);
  });

  it('starts a new container of a known service from its sibling, without a new warm-up', () => {
    const d = FleetDetector.create();
    const data = week(4);
    data.slice(0, 300).forEach(({ t, v }) => d.update('task-a', 'api', t, v));
    const next = d.update('task-b', 'api', data[300].t, data[300].v);
    expect(next.warmingUp).toBe(false);
    expect(d.size()).toBe(2);
    expect(d.groups()).toBe(1);
  });

  it('repeats exactly for the same seed and differs for another', () => {
    // Small forests: this test is about repeatability, not quality.
    const run = (seed: number) => {
      const d = FleetDetector.create({ seed, trees: 8, sampleSize: 64 });
      return week(9, 400).slice(0, 600).map(({ t, v }) => d.update('c', 'g', t, v).score);
    };
    expect(run(1)).toEqual(run(1));
    expect(run(1)).not.toEqual(run(2));
  });

  it('continues bit-identically after a serialize/deserialize round trip', () => {
    const data = week(13, 1000);
    const options = { trees: 10, sampleSize: 64 };
    const straight = FleetDetector.create(options);
    const resumed = FleetDetector.create(options);
    data.slice(0, 900).forEach(({ t, v }) => {
      straight.update('a', 'g', t, v);
      resumed.update('a', 'g', t, v);
    });
    let restored = FleetDetector.deserialize(resumed.serialize());
    const a: number[] = [];
    const b: number[] = [];
    data.slice(900, 1200).forEach(({ t, v }, i) => {
      a.push(straight.update('a', 'g', t, v).score);
      b.push(restored.update('a', 'g', t, v).score);
      if (i % 100 === 0) restored = FleetDetector.deserialize(restored.serialize());
    });
    expect(b).toEqual(a);
    expect(restored.serialize()).toEqual(straight.serialize());
  });

  it('rejects state that is not its own, and truncated state', () => {
    expect(() => FleetDetector.deserialize(new TextEncoder().encode('garbage!'))).toThrow('not a detector state');
    const bytes = FleetDetector.create().serialize();
    const d = FleetDetector.create();
    d.update('a', 'g', 0, [1, 2, 3, 4]);
    expect(() => FleetDetector.deserialize(d.serialize().slice(0, 40))).toThrow('truncated');
    expect(FleetDetector.deserialize(bytes).size()).toBe(0);
  });

  it('throws DetectorStateVersionError for a state of another version, naming both', () => {
    const bytes = FleetDetector.create().serialize();
    new DataView(bytes.buffer, bytes.byteOffset).setUint32(4, 11, true);
    expect(() => FleetDetector.deserialize(bytes)).toThrow(DetectorStateVersionError);
    expect(() => FleetDetector.deserialize(bytes)).toThrow('detector state version 11 is not supported (expected 19)');
  });

  /** A format-19 state of one key with its runs of repeated values cut out, as formats before 19 wrote it; where they were. */
  function withoutRuns(values: number[]): { current: Uint8Array; old: Uint8Array; at: number; length: number } {
    const d = FleetDetector.create();
    for (let i = 0; i < 3; i++) d.update('a', 'g', i * 300_000, values);
    const current = d.serialize();
    // Format 19 adds, last in each key's buffer, nine numbers per metric: its last value, its run, four counts, the
    // longest run, when its runs started being learned and when its value first appeared (both the first sample's 0).
    const runs = new BinaryWriter();
    for (const v of values) [v, 2, 0, 0, 0, 0, 0, 0, 0].forEach((x) => runs.f64(x));
    const block = runs.bytes();
    const at = Buffer.from(current).indexOf(Buffer.from(block));
    expect(at).toBeGreaterThan(0);
    const old = new Uint8Array(current.length - block.length);
    old.set(current.subarray(0, at));
    old.set(current.subarray(at + block.length), at);
    return { current, old, at, length: block.length };
  }

  /** `restored` is `current` with the runs at `at` started afresh (no last value, no run, learned from now on: judged a warm-up later). */
  function expectRunsFresh(restored: Uint8Array, current: Uint8Array, at: number, length: number): void {
    expect(Buffer.from(restored.subarray(0, at)).equals(Buffer.from(current.subarray(0, at)))).toBe(true);
    expect(Buffer.from(restored.subarray(at + length)).equals(Buffer.from(current.subarray(at + length)))).toBe(true);
    const fresh = new DataView(restored.buffer, restored.byteOffset + at, length);
    const field = (m: number, k: number) => fresh.getFloat64(72 * m + 8 * k, true);
    expect([0, 1, 2, 3].map((m) => [field(m, 0), field(m, 1), field(m, 7), field(m, 8)])).toEqual([0, 1, 2, 3].map(() => [Number.NaN, 0, Number.NaN, Number.NaN]));
  }

  it('restores a state of format 18, whose keys kept no runs of repeated values: they start afresh, all else as it was', () => {
    const { current, old, at, length } = withoutRuns([1.25, 2.5, 3.75, 5.125]);
    new DataView(old.buffer).setUint32(4, 18, true);
    expectRunsFresh(FleetDetector.deserialize(old).serialize(), current, at, length);
  });

  it('restores a state of format 17, forgetting its shifts under way (they had no start to adopt from) and its runs', () => {
    const { current, old, at, length } = withoutRuns([1, 2, 3, 4]);
    // Version 17 ended with each group's shift as a metric mask and an end time; here one under way for the fleet.
    const tail = new BinaryWriter();
    tail.u32(1);
    tail.string('g');
    tail.u32(0b1001);
    tail.f64(3 * 3_600_000);
    const v17 = new Uint8Array(old.length - 4 + tail.bytes().length);
    v17.set(old.subarray(0, old.length - 4));
    v17.set(tail.bytes(), old.length - 4);
    new DataView(v17.buffer).setUint32(4, 17, true);
    const restored = FleetDetector.deserialize(v17);
    expect(restored.size()).toBe(1);
    expectRunsFresh(restored.serialize(), current, at, length);
  });

  it('forgets idle containers and their empty groups', () => {
    const d = FleetDetector.create();
    d.update('old', 'legacy', 0, [1, 2, 3, 4]);
    d.update('new', 'api', 10 * 86_400_000, [1, 2, 3, 4]);
    expect(d.prune(10 * 86_400_000, 86_400_000)).toBe(1);
    expect([d.size(), d.groups()]).toEqual([1, 1]);
  });

  it('rejects samples of the wrong width or with non-finite values, and bad options', () => {
    const d = FleetDetector.create();
    expect(() => d.update('a', 'g', 0, [1, 2])).toThrow('detector expects 4 values per sample, got 2');
    expect(() => d.update('a', 'g', 0, [1, 2, Number.NaN, 4])).toThrow('non-finite value for a');
    expect(() => resolveOptions({ trees: 0 })).toThrow('detector option trees must be a positive integer');
    expect(() => resolveOptions({ levelHalfLifeMs: 0 })).toThrow('detector option levelHalfLifeMs must be a positive duration in ms, got 0');
    expect(() => resolveOptions({ episodeMs: 3 * 3_600_000 })).toThrow('detector option episodeMs (10800000) must be shorter than levelHalfLifeMs (10800000): a shared shift would never be adopted');
    expect(() => resolveOptions({ dailyRisk: 1.5 })).toThrow('detector option dailyRisk must be a probability in (0, 1), got 1.5');
    expect(() => resolveOptions({ warmupMs: -1 })).toThrow('detector option warmupMs must be a duration of at least 0 ms');
    expect(() => resolveOptions({ loadRelation: [0, 4] })).toThrow('loadRelation must name two different metrics below dimensions (4), got [0, 4]');
    expect(() => d.update('a', 'g', Number.NaN, [1, 2, 3, 4])).toThrow('timestamp that is not a number for a');
  });
});
