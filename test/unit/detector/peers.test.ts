import { FleetDetector, type Detection, type DetectorInput } from '../../../src/detector';
import { peerViews, serviceSizes, sharedShift } from '../../../src/detector/peers';
import { asPositionChange, sharedPart, withoutShared } from '../../../src/detector/shared-part';
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
    const e = (group: string, z: number, perUnit = 50) => ({ group, z: Float64Array.from([z, 0]), perUnit: Float64Array.from([perUnit, 50]), relative: Float64Array.from([z / perUnit, 0]) });
    expect(sharedShift([e('a', -5), e('a', -10, 100), e('a', -4, 40), e('a', 0)], 2, 0.5)?.[0]).toBeCloseTo(-0.1);
    expect(sharedShift([e('a', -5), e('a', 0), e('a', 0), e('a', 0)], 2, 0.5)).toBeNull();
    // A pair is a crowd only when both move; one container is none.
    expect(sharedShift([e('a', -5), e('a', -5)], 2, 0.5)?.[0]).toBeCloseTo(-0.1);
    expect(sharedShift([e('a', -5), e('a', -1)], 2, 0.5)).toBeNull();
    expect(sharedShift([e('a', -5)], 2, 0.5)).toBeNull();
    const views = peerViews([e('a', -5), e('a', -5), e('a', -6), e('b', 0)], 2, 0.5);
    expect(views.map((v) => v.scope)).toEqual(['service', 'service', 'service', 'container']);
    // Two of a service of three whose third row is missing: their shift, but not a crowd to adopt it from, as two of a pair are.
    const twoOfThree = peerViews([e('a', -5), e('a', -6)], 2, 0.5, new Map(), undefined, new Map([['a', 3]]));
    expect(twoOfThree.map((v) => [v.scope, v.adoptLimit[0]])).toEqual([['service', 0], ['service', 0]]);
    expect(peerViews([e('a', -5), e('a', -6)], 2, 0.5).map((v) => v.adoptLimit[0])).toEqual([-0.12, -0.1]);
  });

  it("finds a shift no member shows on its own when the members' median departs as the median of that many ordinary members rarely does", () => {
    const e = (group: string, z: number, perUnit = 8) => ({ group, z: Float64Array.from([z, 0]), perUnit: Float64Array.from([perUnit, 50]), relative: Float64Array.from([z / perUnit, 0]) });
    // A quarter less traffic everywhere: two deviations in each of eight containers in four services, none beyond three.
    const weekend = [-2, -1.8, -2.4, -1.6, -2.1, -2.6, -1.9, -2.2].map((z, i) => e(['api', 'worker', 'batch', 'web'][i % 4], z));
    const shift = sharedShift(weekend, 2, 0.5, weekend.map((m) => m.group));
    expect(shift?.[0]).toBeCloseTo(-0.25, 1);
    expect(Number.isNaN(shift?.[1])).toBe(true);
    // Ordinary noise (the median of eight stays within 3 × 1.25 / √8 = 1.33) or one container's incident is no fleet shift.
    const rng = new SeededRandom(6);
    const noisy = Array.from({ length: 8 }, (_, i) => e(['api', 'worker'][i % 2], rng.normal()));
    expect(sharedShift(noisy, 2, 0.5, noisy.map((m) => m.group))).toBeNull();
    const incident = [-20, 0.3, -0.2, 0.1, 0.4, -0.5, 0.2, 0].map((z, i) => e(['api', 'worker'][i % 2], z));
    expect(sharedShift(incident, 2, 0.5, incident.map((m) => m.group))).toBeNull();
    // One big service moving while another's members are merely noisy is that service's shift (the services count, not the containers).
    const oneService = [-2, -2, -2, -2, -2, 1.4, -1.5, 0.9].map((z, i) => e(i < 5 ? 'api' : 'web', z));
    expect(sharedShift(oneService, 2, 0.5, oneService.map((m) => m.group))).toBeNull();
    // A large fleet's common lag of half a deviation (baselines following a daily cycle) is no shift, however many share it.
    const lagging = Array.from({ length: 200 }, (_, i) => e(`svc-${i % 10}`, -0.5 + 0.3 * rng.normal()));
    expect(sharedShift(lagging, 2, 0.5, lagging.map((m) => m.group))).toBeNull();
  });

  it('raises a fleet-wide shift as at most one fleet event, where judged one by one it is many container alarms', () => {
    const steps = SHIFT_AT + 36;
    const after = (runs: Detection[][]) => runs.slice(SHIFT_AT).flat().filter((x) => x.isAnomaly);
    const batched = after(run(steps, true));
    expect(batched.filter((x) => x.scope === 'container')).toEqual([]);
    // Exactly one event, the fleet's: adopting the shift must not make it silent.
    expect(batched.map((x) => x.scope)).toEqual(['fleet']);
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
    // Adopted: its own departure in the shift's direction, up to its limit, on the metrics found this round.
    const limit = f([-0.15, -0.15, -0.15, -0.15]);
    expect(Array.from(sharedPart(f([-0.1, 0.01, -0.2, 0.06]), limit, 0b1111))).toEqual([-0.1, 0, -0.15, 0]);
    expect(Array.from(sharedPart(f([-0.1, 0.01, -0.2, 0.06]), limit, 0b0100))).toEqual([0, 0, -0.15, 0]);
    expect(Array.from(sharedPart(f([-0.1, 0.01, -0.2, 0.06]), f([-0.15, 0, 0, -0.15]), 0b1111))).toEqual([-0.1, 0, 0, 0]);
  });

  it('takes a shared shift out in the terms the residuals were put in: CPU judged on what traffic does not explain loses the shift as it stands out there', () => {
    const f = (xs: number[]) => Float64Array.from(xs);
    // Every member's CPU rose by 5 z with traffic flat (a job they all run); judged on the unexplained part (a third of its
    // variance), the same rise is 5 / √(1/3) ≈ 8.7 there. Taken out in raw CPU terms, 3.7 of it stayed as the container's own.
    const unexplained = (z: Float64Array) => z.map((x, d) => (d === 0 ? x / Math.sqrt(1 / 3) : x));
    const common = f([0.2, 0, 0, 0]);
    const perUnit = f([25, 25, 25, 25]);
    const own = withoutShared(unexplained(f([5, 0, 0, 0])), common, perUnit, unexplained);
    expect(own[0]).toBeCloseTo(0, 10);
    expect(withoutShared(unexplained(f([5, 0, 0, 0])), common, perUnit)[0]).toBeCloseTo(3.66, 2);
  });

  it('measures a shift half the fleet shares on the members that moved, and each service by its own', () => {
    const e = (group: string, z: number) => ({ group, z: Float64Array.from([z]), perUnit: Float64Array.from([50]), relative: Float64Array.from([z / 50]) });
    // Four of eight, in two services, fell by a fifth; the median over all eight would halve it.
    const members = [e('a', -10), e('a', -10), e('b', -10), e('b', -10), e('c', 0.2), e('c', -0.1), e('d', 0), e('d', 0.1)];
    expect(sharedShift(members, 1, 0.5, members.map((m) => m.group))?.[0]).toBeCloseTo(-0.2);
    // Service a fell by 30%, b by 10%: the fleet's event, each service's own size taken out.
    const views = peerViews([e('a', -15), e('a', -15), e('a', -15), e('b', -5), e('b', -5), e('b', -5)], 1, 0.5);
    expect(views.map((v) => v.scope)).toEqual(Array(6).fill('fleet'));
    expect(views.map((v) => +v.common[0].toFixed(2))).toEqual([-0.3, -0.3, -0.3, -0.1, -0.1, -0.1]);
    // Each service's own shift is what is taken out, so it is adopted on that service's clock, not the fleet's as well.
    expect(views.map((v) => v.byService)).toEqual(Array(6).fill(1));
  });

  it("marks a metric as the fleet's when only the fleet shares it, the service's where the service has its own", () => {
    const e = (group: string, z: number[]) => ({ group, z: Float64Array.from(z), perUnit: Float64Array.from([50, 50]), relative: Float64Array.from(z.map((x) => x / 50)) });
    // Service a (three) moves on both metrics; of b (two) one moves on the second, with a: no crowd of b's own, so b's second is the fleet's shift.
    const views = peerViews([e('a', [-10, -6]), e('a', [-10, -6]), e('a', [-10, -6]), e('b', [0, -6]), e('b', [0.2, -2])], 2, 0.5);
    expect(views.map((v) => v.scope)).toEqual(Array(5).fill('fleet'));
    expect(views.map((v) => v.byService)).toEqual([3, 3, 3, 0, 0]);
  });

  /** The peers' fleet with `change` applied from SHIFT_AT on (the fleet's own drop included): container alarms and events after it. */
  function afterShift(change: (s: DetectorInput) => number[]): { containers: string[]; events: string[]; unusual: Map<string, number> } {
    const keys = fleetAt(0).map((s) => s.key);
    const runs = run(SHIFT_AT + 48, true, undefined, (step) => fleetAt(step).map((s) => (step >= SHIFT_AT ? { ...s, values: change(s) } : s)));
    const after = runs.slice(SHIFT_AT).flatMap((batch) => batch.map((x, i) => ({ x, key: keys[i] })));
    const unusual = new Map<string, number>();
    after.filter(({ x }) => x.unusual).forEach(({ key }) => unusual.set(key, (unusual.get(key) ?? 0) + 1));
    return {
      containers: after.filter(({ x }) => x.isAnomaly && x.scope === 'container').map(({ key }) => key),
      events: after.filter(({ x }) => x.isAnomaly && x.scope !== 'container').map(({ x }) => x.scope),
      unusual,
    };
  }

  it('adopts a shared shift of any size: memory halved fleet-wide is one event, and no container alarm once it stops counting as under way', () => {
    // Far beyond the residuals' clip (20 deviations): measured unclipped, adopted whole.
    const halved = afterShift((s) => s.values.map((v, d) => (d === 1 ? v * 0.5 : v)));
    expect(halved.containers).toEqual([]);
    expect(halved.events).toEqual(['fleet']);
  });

  it('adopts nothing in a service of three where one container departs and one peer happens to jump with it: the departure stays an incident', () => {
    // Two movers of three meet the share, but are no crowd: an incident and a coincidence.
    const small = (blip: number) => (step: number) =>
      ['svc', 'other'].flatMap((group, g) =>
        [0, 1, 2].map((k) => {
          const rng = new SeededRandom(step * 131 + g * 17 + k + 7);
          const values = [30 + rng.normal(), 50 + rng.normal(), 40 + rng.normal(), 100 + 3 * rng.normal()];
          if (group === 'svc' && k === 0 && step >= SHIFT_AT) values[1] *= 1.3;
          if (group === 'svc' && k === 1 && step === SHIFT_AT) values[1] += blip;
          return { key: `${group}-${k}`, group, timestampMs: START + step * STEP, values };
        }),
      );
    for (const blip of [0, 5]) {
      const alarms = run(SHIFT_AT + 24, true, undefined, small(blip)).slice(SHIFT_AT).flatMap((batch) => batch.flatMap((x, i) => (x.isAnomaly && x.scope === 'container' ? [small(blip)(0)[i].key] : [])));
      expect(alarms).toContain('svc-0');
      expect(alarms).not.toContain('svc-1');
    }
  });

  it('lets a container that falls far further than the fleet keep the difference as its own departure', () => {
    // The fleet's traffic and CPU fall by 40%; api-0's traffic falls by 90% (a partial outage).
    const outage = afterShift((s) => (s.key === 'api-0' ? s.values.map((v, d) => (d === 2 ? v / 6 : v)) : s.values));
    expect(outage.unusual.get('api-0') ?? 0).toBeGreaterThan(0);
    expect(outage.events).toEqual(['fleet']);
  });

  it('carries a shift on a metric beyond the eighth through a state round trip (the mask is 32 bits), and refuses more than 31 metrics', () => {
    const DIMS = 10;
    const go = (roundTrip: boolean) => {
      let d = FleetDetector.create({ trees: 4, sampleSize: 16, dimensions: DIMS });
      const out: Detection[][] = [];
      for (let step = 0; step < SHIFT_AT + 12; step++) {
        const inputs = [0, 1, 2, 3].map((k) => {
          const rng = new SeededRandom(step * 7 + k);
          return { key: `k${k}`, group: 'g', timestampMs: START + step * STEP, values: Array.from({ length: DIMS }, (_, m) => 100 + rng.normal() + (m === 9 && step >= SHIFT_AT ? 30 : 0)) };
        });
        out.push(d.updateBatch(inputs));
        if (roundTrip && step >= SHIFT_AT) d = FleetDetector.deserialize(d.serialize());
      }
      return out;
    };
    expect(go(true)).toEqual(go(false));
    expect(() => FleetDetector.create({ dimensions: 32 })).toThrow('dimensions must be at most 31');
  });
});


describe("a service's size", () => {
  const STEP = 300_000;
  const now = Date.UTC(2026, 10, 5, 12);
  const key = (group: string, lastMs: number) => ({ group, lastMs, stepMs: STEP });
  const round = (...keys: Array<ReturnType<typeof key>>) => new Map(keys.map((k) => [k, now]));

  it('counts the one container whose row is missing from the round, for at most two of its rows', () => {
    const [a, b] = [key('w', now - STEP), key('w', now - STEP)];
    expect(serviceSizes([a, b, key('w', now - STEP)], round(a, b)).get('w')).toBe(3);
    expect(serviceSizes([a, b, key('w', now - 2 * STEP)], round(a, b)).get('w')).toBe(3);
    expect(serviceSizes([a, b, key('w', now - 3 * STEP)], round(a, b)).get('w')).toBe(2);
    // A key whose last sample is this round's own (a second occurrence) or later is no missing one.
    expect(serviceSizes([a, b, key('w', now)], round(a, b)).get('w')).toBe(2);
  });

  it('is what the round has when several of its containers are missing at once (a scale-in), and per service', () => {
    const present = [key('web', now - STEP), key('web', now - STEP), key('api', now - STEP)];
    const stopped = [1, 2, 3, 4].map(() => key('web', now - STEP));
    const sizes = serviceSizes([...present, ...stopped, key('api', now - STEP)], round(...present));
    expect([sizes.get('web'), sizes.get('api')]).toEqual([2, 2]);
  });

  it("reads each service's moment from its own samples: another service's late row does not hide a missing one", () => {
    const [a, b, late] = [key('w', now - STEP), key('w', now - STEP), key('x', now - 3 * STEP)];
    const missing = key('w', now - STEP);
    const sizes = serviceSizes([late, a, b, missing], new Map([[late, now - 2 * STEP], [a, now], [b, now]]));
    expect(sizes.get('w')).toBe(3);
  });
});

describe('a shared shift taken out of a member', () => {
  it('is clipped as the residuals are before it goes through the load relation: a tripled load leaves nothing of its own', () => {
    // CPU judged on what traffic does not explain: (cpu - 0.6 traffic) / 0.8. Both residuals clip at 20 under a tripled load.
    const decouple = (z: Float64Array) => Float64Array.from([(z[0] - 0.6 * z[1]) / 0.8, z[1]]);
    const z = decouple(Float64Array.from([20, 20]));
    const own = withoutShared(z, Float64Array.from([2, 2]), Float64Array.from([12.5, 20]), decouple);
    expect(own[0]).toBeCloseTo(0);
    expect(own[1]).toBeCloseTo(0);
  });

  it("is, for a position, the level's change in units of the long-run mean", () => {
    // Tripled at night, where the expected value is 0.6 of the long-run mean: the position moved by 2 × 0.6.
    const f = (x: number) => Float64Array.from([x]);
    const residual = (relative: number, perUnit = 10) => ({ z: f(0), relative: f(relative), perUnit: f(perUnit) });
    expect(asPositionChange(f(2), residual(2), f(0.8))[0]).toBeCloseTo(1.2);
    // Where the value fell to nothing the ratio says nothing: the change stays as it is. A change of an expectation of zero moves nothing.
    expect(asPositionChange(f(-0.5), residual(-1), f(-1))[0]).toBe(-0.5);
    expect(asPositionChange(f(-0.25), residual(0, 0), f(-0.5))[0]).toBe(0);
  });
});
