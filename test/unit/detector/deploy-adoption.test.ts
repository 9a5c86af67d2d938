/**
 * A deploy that raises every container's CPU of one service (×1.6, traffic
 * unchanged) is that service's event, once. Bug: the deploy's size dragged
 * the fleet's median past its bar while two workers happened to sit two
 * deviations up, so the fleet found a shift of its own 40 minutes after the
 * service's; each adopted it on its own clock, the api containers took the
 * deploy into their levels twice (the second time their noise), fell three
 * deviations below them, and the fleet's adoption raised a second event.
 * Each metric now adopts on the clock of the shift taken out of it.
 * A pair is a crowd when both move: a deploy to two containers was left to
 * each, never adopted, kept them unusual for hours while their calibrations
 * learned it, and a CPU runaway on one of them two days later went unraised.
 */
import { DAY_MS as DAY, FLEET_START_MS as START, HOUR_MS as HOUR, STEP_MS as STEP, playFleet } from '../../support/fleet-play';
import { SeededRandom } from '../../../src/detector/random';

const DEPLOY = START + 5 * DAY + 15 * HOUR;
const KEYS = [...['api-1', 'api-2', 'api-3'].map((k) => ['api', k]), ['worker', 'worker-1'], ['worker', 'worker-2']];
const PAIR_AND_THREE = [['api', 'api-1'], ['api', 'api-2'], ['worker', 'worker-1'], ['worker', 'worker-2'], ['worker', 'worker-3']];
/** The daily wave, highest at 14:00. */
const waveAt = (t: number) => 1 + 0.4 * Math.sin((2 * Math.PI * ((t - START) / HOUR - 8)) / 24);

/** Five and a half days with a daily wave, the deploy, then a day more (noise seed 4). Returns the alarms from the deploy on. */
function run(): Array<{ minutes: number; key: string; scope: string }> {
  return playFleet({
    seed: 4,
    untilMs: DEPLOY + DAY,
    keysAt: () => KEYS,
    values: (group, _key, t, rng) => {
      const hour = ((t - START) % DAY) / HOUR;
      const wave = 1 + 0.4 * Math.sin((2 * Math.PI * (hour - 8)) / 24);
      const traffic = 40 * wave * (1 + 0.05 * rng.normal());
      const cpu = (0.8 * traffic + 2 * rng.normal()) * (group === 'api' && t >= DEPLOY ? 1.6 : 1);
      return [cpu, 50 + rng.normal(), traffic * 0.4, 150 * wave * (1 + 0.05 * rng.normal())];
    },
  })
    .filter((a) => a.t >= DEPLOY)
    .map((a) => ({ minutes: (a.t - DEPLOY) / 60_000, key: a.key, scope: a.scope }));
}

/** Minutes from `fromMs` of api-1's container alarms. */
const api1From = (alarms: ReturnType<typeof playFleet>, fromMs: number) => alarms.filter((a) => a.scope === 'container' && a.key === 'api-1' && a.t >= fromMs).map((a) => (a.t - fromMs) / 60_000);

describe('a deploy to one service', () => {
  const alarms = run();

  it("is the service's event at once, and no fleet event when the fleet's median follows it (adopted once)", () => {
    const events = alarms.filter((a) => a.scope !== 'container');
    expect(events).toEqual([expect.objectContaining({ minutes: 0, scope: 'service' })]);
  });
});

describe('a deploy to a service of two', () => {
  it('is adopted by both, so a CPU runaway on one of them two days later is raised', () => {
    const deployAt = START + 3 * DAY + 15 * HOUR;
    const runawayAt = START + 5 * DAY + 19 * HOUR;
    const alarms = playFleet({
      seed: 3,
      untilMs: runawayAt + 2 * HOUR,
      keysAt: () => PAIR_AND_THREE,
      values: (group, key, t, rng) => {
        const wave = waveAt(t);
        const traffic = 40 * wave * (1 + 0.05 * rng.normal());
        // Memory 10 points up on both api containers at the deploy; a quarter more CPU on api-1 from the runaway on.
        const runaway = key === 'api-1' && t >= runawayAt ? 1.25 : 1;
        const mem = 45 + rng.normal() + (group === 'api' && t >= deployAt ? 10 : 0);
        return [(0.8 * traffic + 2 * rng.normal()) * runaway, mem, traffic * 0.4, 150 * wave * (1 + 0.05 * rng.normal())];
      },
    });
    const raised = api1From(alarms, runawayAt);
    // Before: nothing raised in the runaway's two hours (on noise seeds 1 to 4).
    expect(raised.length).toBeGreaterThan(0);
    expect(raised[0]).toBeLessThanOrEqual(30);
  });
});

describe('an incident on one task of a pair while the pair shares a shift', () => {
  it("keeps its container alarm: the pair's shift is the pair's only where both tasks moved with it", () => {
    // A pair sharing its service's traffic wander (a shift of CPU and traffic both tasks share is under way at times);
    // api-1's CPU runs away (×1.6) in such a stretch. Bug (found by review): every alarm of a pair on a metric of its
    // shift under way was the pair's, so the runaway was raised only as a service event, and nothing scales on those.
    const runawayAt = START + 4 * DAY + 11.5 * HOUR;
    const wander: Record<string, number> = { api: 0, worker: 0 };
    const keep = Math.exp(-STEP / HOUR);
    const alarms = playFleet({
      seed: 1,
      untilMs: runawayAt + 2 * HOUR,
      keysAt: () => PAIR_AND_THREE,
      beforeRound: (_t, rng) => {
        for (const g of Object.keys(wander)) wander[g] = keep * wander[g] + Math.sqrt(1 - keep * keep) * 0.15 * rng.normal();
      },
      values: (group, key, t, rng) => {
        const wave = waveAt(t);
        const traffic = 40 * wave * (1 + wander[group]) * (1 + 0.04 * rng.normal());
        let cpu = 0.8 * traffic + 2 * rng.normal();
        const [mem, net, disk] = [45 + rng.normal(), traffic * 0.4, 150 * wave * (1 + 0.05 * rng.normal())];
        if (key === 'api-1' && t >= runawayAt) cpu *= 1.6;
        return [Math.max(cpu, 0), mem, net, disk];
      },
    });
    expect(api1From(alarms, runawayAt)[0]).toBeLessThanOrEqual(30);
    // Nor is its first alarm the pair's event: one task's own alarm is half the pair, never its crowd's event (bug: it was).
    expect(alarms.find((a) => a.group === 'api' && a.t >= runawayAt)?.scope).toBe('container');
  });
});

describe('a service of three with a row missing from a cycle', () => {
  it('is still three: a runaway on one task while a deploy is under way keeps its container alarm on the rounds the third is missing', () => {
    // A deploy (CPU ×1.3) to w-1..3, then an hour later w-1's CPU runs away (×1.6); from the deploy on, w-3's row is
    // missing from 30% of the cycles. Bug (found by review): a round with w-3 missing was a pair, so the pair's rules
    // made the runaway the service's event (twice, on seed 2, and never w-1's own alarm).
    const runawayAt = START + 4 * DAY + 15 * HOUR;
    const deployAt = runawayAt - HOUR;
    const drops = new SeededRandom(1002);
    const missing = new Set<number>();
    const trio = [['w', 'w-1'], ['w', 'w-2'], ['w', 'w-3'], ['b', 'b-1'], ['b', 'b-2'], ['b', 'b-3']];
    const alarms = playFleet({
      seed: 2,
      untilMs: runawayAt + 3 * HOUR,
      keysAt: (t) => {
        if (t < deployAt || drops.next() >= 0.3) return trio;
        missing.add(t);
        return trio.filter(([, key]) => key !== 'w-3');
      },
      values: (group, key, t, rng) => {
        const wave = waveAt(t);
        const traffic = 40 * wave * (1 + 0.05 * rng.normal());
        let cpu = 0.8 * traffic + 2 * rng.normal();
        if (group === 'w' && t >= deployAt) cpu *= 1.3;
        if (key === 'w-1' && t >= runawayAt) cpu *= 1.6;
        return [Math.max(cpu, 0), 45 + rng.normal(), traffic * 0.4, 150 * wave * (1 + 0.05 * rng.normal())];
      },
    });
    const w1 = alarms.filter((a) => a.key === 'w-1' && a.scope === 'container' && a.t >= runawayAt);
    expect((w1[0].t - runawayAt) / 60_000).toBeLessThanOrEqual(10);
    expect(alarms.filter((a) => a.group === 'w' && a.scope === 'service' && a.t >= runawayAt && missing.has(a.t))).toEqual([]);
  });
});
