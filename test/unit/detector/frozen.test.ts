import { FleetDetector } from '../../../src/detector';
import { leadingMetric } from '../../../src/detector/episodes';
import { FrozenRuns } from '../../../src/detector/frozen';
import { SeededRandom } from '../../../src/detector/random';
import { Slab } from '../../../src/detector/slab';

const DAY_MS = 86_400_000;

const STEP = 300_000;
const DAY_ROWS = 288;
const START = Date.UTC(2026, 10, 2);
/** The calibration window's weight for one 5-minute sample (a week's half-life). */
const WEIGHT = 1 - 2 ** (-STEP / (7 * 86_400_000));

function runs(dims = 1): FrozenRuns {
  return new FrozenRuns(dims, new Slab(Slab.measure((s) => new FrozenRuns(dims, s))));
}

/** Noise that wanders, as a metric's 5-minute means do: never the same value twice. */
function noisy(rng: SeededRandom): number {
  return 50 + 5 * (rng.next() + rng.next() + rng.next() - 1.5);
}

/** A learner fed one value a step, that answers for the run its next value would make (1 where it is not judged). */
function learner(dims = 1) {
  const f = runs(dims);
  let i = 0;
  return {
    learn: (v: number) => f.learn([v], START + i++ * STEP, WEIGHT),
    chance: (v: number) => (f.judges(0, v, DAY_MS) ? f.probability(0) : 1),
    clear: () => f.clearRuns(),
  };
}

describe('FrozenRuns (each metric’s runs of one repeated value)', () => {
  it('makes a run of a metric that never repeated improbable at once, and more so the longer it lasts', () => {
    const rng = new SeededRandom(1);
    const f = learner();
    for (let i = 0; i < 3 * DAY_ROWS; i++) f.learn(noisy(rng));
    f.learn(42);
    const chances: number[] = [];
    for (let r = 0; r < 6; r++) {
      chances.push(f.chance(42));
      f.learn(42);
    }
    // A first repeat is about as likely as one sample in the window's; every repeat after it about halves the chance
    // (a run never seen to go on has an even chance): the run under way teaches neither that runs start nor that they go on.
    expect(chances[0]).toBeLessThan(2e-3);
    for (let r = 1; r < chances.length; r++) expect(chances[r]).toBeLessThan(0.51 * chances[r - 1]);
    expect(f.chance(43)).toBe(1);
  });

  it('expects a metric that idles at zero for hours every night to go on idling that long, and not five times as long', () => {
    const chance = (length: number) => {
      const rng = new SeededRandom(2);
      const f = learner();
      for (let day = 0; day < 6; day++) for (let i = 0; i < DAY_ROWS; i++) f.learn(i < 72 ? 0 : 1 + rng.next());
      for (let r = 0; r < length; r++) f.learn(0);
      return f.chance(0);
    };
    expect(chance(72)).toBeGreaterThan(1e-3);
    expect(chance(5 * 72)).toBeLessThan(1e-4);
  });

  // Review of the first form: one rate fitted to short daytime ties and the nightly idle called every night impossible.
  it('expects the nightly idle of a metric that also ties by day (integer IOPS, zero half the time)', () => {
    const rng = new SeededRandom(3);
    const f = learner();
    let lowest = 1;
    for (let day = 0; day < 14; day++)
      for (let i = 0; i < DAY_ROWS; i++) {
        const v = i < 72 || rng.next() < 0.5 ? 0 : Math.round(3 * rng.next() + 1);
        if (day >= 7) lowest = Math.min(lowest, f.chance(v));
        f.learn(v);
      }
    expect(lowest).toBeGreaterThan(1e-3);
  });

  // Review of the first form: a task that never writes to disk had a run from its first sample, never learned, improbable for good.
  it('never judges a run under way since the metric was first seen, nor one begun within the warm-up after its runs were forgotten', () => {
    const f = learner();
    for (let i = 0; i < 14 * DAY_ROWS; i++) f.learn(0);
    expect(f.chance(0)).toBe(1);
    // A state that kept no runs (or a key seeded from a sibling): the next nightly idle is the first its runs see.
    const rng = new SeededRandom(4);
    const g = learner();
    for (let i = 0; i < 3 * DAY_ROWS; i++) g.learn(noisy(rng));
    g.clear();
    g.learn(noisy(rng));
    for (let r = 0; r < 24; r++) g.learn(7);
    expect(g.chance(7)).toBe(1);
  });
});

describe('frozen values in the detector', () => {
  /** Noise, frozen at its value of row `frozenFrom` for two hours, then noise again for an hour. */
  function flatThenFrozen(seed: number, frozenFrom: number): { raised: boolean; frozenAlarm: boolean; before: number; frozenBefore: number; frozenAfter: number } {
    const rng = new SeededRandom(seed);
    const d = FleetDetector.create({ dimensions: 1, loadRelation: null, trees: 8, sampleSize: 32, seed });
    const out = { raised: false, frozenAlarm: false, before: 0, frozenBefore: 0, frozenAfter: 0 };
    let value = 0;
    for (let i = 0; i < frozenFrom + 36; i++) {
      const stuck = i > frozenFrom && i <= frozenFrom + 24;
      if (!stuck) value = noisy(rng);
      const v = d.update('k', 'g', START + i * STEP, [value]);
      if (stuck && v.isAnomaly && v.attribution.high[0] > 0) {
        out.raised = true;
        out.frozenAlarm ||= v.frozen;
      } else if (i <= frozenFrom) {
        if (v.isAnomaly) out.before++;
        if (v.frozen) out.frozenBefore++;
      } else if (!stuck && v.frozen) out.frozenAfter++;
    }
    return out;
  }

  it('raises a metric that keeps its level but stops changing (a stuck exporter), within two hours, as frozen while it lasts', () => {
    for (const seed of [1, 2, 3]) {
      const r = flatThenFrozen(seed, 4 * DAY_ROWS + 17);
      expect(r).toMatchObject({ raised: true, frozenAlarm: true, frozenBefore: 0, frozenAfter: 0 });
    }
  });

  // Review of the first form: a task that never writes to disk had its disk's run improbable for good, and CPU's saturation went unscaled.
  it('leaves a saturation on a container whose disk has always read zero a saturation, never frozen', () => {
    for (const seed of [1, 2]) {
      const rng = new SeededRandom(seed);
      const d = FleetDetector.create({ trees: 8, sampleSize: 32, seed });
      const onset = 6 * DAY_ROWS + 150;
      const verdicts: Array<{ isAnomaly: boolean; frozen: boolean; lead: number }> = [];
      for (let i = 0; i < onset + 24; i++) {
        const cpu = i >= onset ? 96 + noisy(rng) / 25 : 40 + 15 * Math.sin((2 * Math.PI * (i % DAY_ROWS)) / DAY_ROWS) + noisy(rng) / 5;
        const v = d.update('api-1', 'api', START + i * STEP, [cpu, noisy(rng), 30 + noisy(rng) / 5, 0]);
        if (i >= onset) verdicts.push({ isAnomaly: v.isAnomaly, frozen: v.frozen, lead: leadingMetric(v.attribution) });
      }
      expect(verdicts.filter((v) => v.frozen)).toEqual([]);
      expect(verdicts.find((v) => v.isAnomaly)).toMatchObject({ lead: 0 });
    }
  });

  it('never takes a duplicate row for a repeat: it is the same sample delivered twice', () => {
    const rng = new SeededRandom(4);
    const d = FleetDetector.create({ dimensions: 1, loadRelation: null, trees: 8, sampleSize: 32 });
    let alarms = 0;
    for (let i = 0; i < 3 * DAY_ROWS; i++) {
      const t = START + i * STEP;
      const v = [noisy(rng)];
      d.update('k', 'g', t, v);
      // Every row of the third day delivered twice.
      if (i >= 2 * DAY_ROWS) {
        const again = d.update('k', 'g', t, v);
        expect(again.arrival).toBe('duplicate');
        if (again.isAnomaly) alarms++;
      }
    }
    expect(alarms).toBe(0);
  });
});
