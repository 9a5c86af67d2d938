import { FleetDetector, type Detection, type DetectorInput } from '../../../src/detector';
import { peerViews, sharedPart, sharedShift, withoutShared } from '../../../src/detector/peers';
import { SeededRandom } from '../../../src/detector/random';

const STEP = 300_000;
const DAY = 86_400_000;
const START = Date.UTC(2026, 10, 2);
const GROUPS = ['api', 'web', 'worker'];
const PER_GROUP = 4;
const SHIFT_AT = 2 * 288 + 60;

/**
 * Twelve containers in three services with a daily wave; from SHIFT_AT the
 * whole fleet's traffic and CPU fall by 40% (a holiday, a regional failover);
 * `rogue` (if given) triples its CPU at the same moment.
 */
function fleetAt(step: number, rogue?: string): DetectorInput[] {
  const t = START + step * STEP;
  const wave = 1 + 0.3 * Math.sin((2 * Math.PI * (t - START)) / DAY);
  const shift = step >= SHIFT_AT ? 0.6 : 1;
  return GROUPS.flatMap((group, g) =>
    Array.from({ length: PER_GROUP }, (_, k) => {
      const key = `${group}-${k}`;
      const rng = new SeededRandom(step * 131 + g * 17 + k);
      const traffic = 40 * wave * shift * (1 + 0.03 * rng.normal());
      const cpu = (10 + 0.5 * traffic + rng.normal()) * (key === rogue && step >= SHIFT_AT ? 3 : 1);
      return { key, group, timestampMs: t, values: [cpu, 50 + rng.normal(), traffic, 100 + 3 * rng.normal()] };
    }),
  );
}

function run(steps: number, batched: boolean, rogue?: string, at: (step: number, rogue?: string) => DetectorInput[] = fleetAt): Detection[][] {
  const d = FleetDetector.create({ trees: 8, sampleSize: 32 });
  const out: Detection[][] = [];
  for (let step = 0; step < steps; step++) {
    const inputs = at(step, rogue);
    out.push(batched ? d.updateBatch(inputs) : inputs.map((s) => d.update(s.key, s.group, s.timestampMs, s.values)));
  }
  return out;
}

describe('fleet context', () => {
  it('finds a shift most of a service shares, and only then, as a relative change; the fleet needs two services', () => {
    // z per metric, and what a 100% change is in z units (peers differ in noise: the same -10% is -5 or -10 z).
    const e = (group: string, z: number, perUnit = 50) => ({ group, z: Float64Array.from([z, 0]), perUnit: Float64Array.from([perUnit, 50]) });
    expect(sharedShift([e('a', -5), e('a', -10, 100), e('a', -4, 40), e('a', 0)], 2, 0.5)?.[0]).toBeCloseTo(-0.1);
    expect(sharedShift([e('a', -5), e('a', 0), e('a', 0), e('a', 0)], 2, 0.5)).toBeNull();
    expect(sharedShift([e('a', -5), e('a', -5)], 2, 0.5)).toBeNull();
    const views = peerViews([e('a', -5), e('a', -5), e('a', -6), e('b', 0)], 2, 0.5);
    expect(views.map((v) => v.scope)).toEqual(['service', 'service', 'service', 'container']);
  });

  it('raises a fleet-wide shift as at most one fleet event, where judged one by one it is many container alarms', () => {
    const steps = SHIFT_AT + 36;
    const after = (runs: Detection[][]) => runs.slice(SHIFT_AT).flat().filter((x) => x.isAnomaly);
    const batched = after(run(steps, true));
    expect(batched.filter((x) => x.scope === 'container')).toEqual([]);
    expect(batched.length).toBeLessThanOrEqual(1);
    batched.forEach((x) => expect(x.scope).toBe('fleet'));
    // Without peers (the feature off), the same moment is an alarm on most containers.
    expect(after(run(steps, false)).length).toBeGreaterThanOrEqual(GROUPS.length * PER_GROUP / 2);
  });

  it('raises the container that departs from its peers during the shift', () => {
    const runs = run(SHIFT_AT + 12, true, 'web-2');
    const alarms = runs.slice(SHIFT_AT).flatMap((batch) => batch.map((x, i) => ({ x, i }))).filter(({ x }) => x.isAnomaly && x.scope === 'container');
    expect(alarms.map(({ i }) => fleetAt(0)[i].key)).toEqual(['web-2']);
    expect(alarms[0].x.attribution.high[0]).toBe(Math.max(...alarms[0].x.attribution.high, ...alarms[0].x.attribution.low));
  });

  it('carries a shift under way and the events raised through a serialize/deserialize round trip', () => {
    const straight = FleetDetector.create({ trees: 4, sampleSize: 16 });
    let resumed = FleetDetector.create({ trees: 4, sampleSize: 16 });
    const a: Detection[][] = [];
    const b: Detection[][] = [];
    for (let step = 0; step < SHIFT_AT + 6; step++) {
      const inputs = fleetAt(step);
      a.push(straight.updateBatch(inputs));
      b.push(resumed.updateBatch(inputs));
      if (step >= SHIFT_AT) resumed = FleetDetector.deserialize(resumed.serialize());
    }
    expect(b).toEqual(a);
    expect(resumed.serialize()).toEqual(straight.serialize());
  });

  it('takes a shared shift out of a member only as far as the member shows it', () => {
    const f = (xs: number[]) => Float64Array.from(xs);
    // Shared: -0.1 (a tenth less), 50 z units per 100% for every metric here: -5 z.
    const common = f([-0.1, -0.1, -0.1, 0]);
    const perUnit = f([50, 50, 50, 50]);
    // Moved with the crowd, did not move, moved twice as far, moved the other way.
    expect(Array.from(withoutShared(f([-5, 0.5, -10, 3]), common, perUnit))).toEqual([0, 0.5, -5, 3]);
    expect(Array.from(withoutShared(f([0, 0, 3, -3]), common, perUnit))).toEqual([0, 0, 3, -3]);
    expect(Array.from(sharedPart(f([-5, 0.5, -10, 3]), common, perUnit, 0b1111))).toEqual([-0.1, 0, -0.2, 0]);
    expect(Array.from(sharedPart(f([-5, 0.5, -20, 3]), common, perUnit, 0b0101))).toEqual([-0.1, 0, -0.2, 0]);
  });

  it('measures a shift half the fleet shares on the members that moved, and each service by its own', () => {
    const e = (group: string, z: number) => ({ group, z: Float64Array.from([z]), perUnit: Float64Array.from([50]) });
    // Four of eight, in two services, fell by a fifth; the median over all eight would halve it.
    const members = [e('a', -10), e('a', -10), e('b', -10), e('b', -10), e('c', 0.2), e('c', -0.1), e('d', 0), e('d', 0.1)];
    expect(sharedShift(members, 1, 0.5, members.map((m) => m.group))?.[0]).toBeCloseTo(-0.2);
    // Service a fell by 30%, b by 10%: the fleet's event, each service's own size taken out.
    const views = peerViews([e('a', -15), e('a', -15), e('a', -15), e('b', -5), e('b', -5), e('b', -5)], 1, 0.5);
    expect(views.map((v) => v.scope)).toEqual(Array(6).fill('fleet'));
    expect(views.map((v) => +v.common[0].toFixed(2))).toEqual([-0.3, -0.3, -0.3, -0.1, -0.1, -0.1]);
  });
});
