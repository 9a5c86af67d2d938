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
import { FleetDetector, type DetectorInput } from '../../../src/detector';
import { SeededRandom } from '../../../src/detector/random';

const STEP = 5 * 60_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = Date.UTC(2026, 10, 2);
const DEPLOY = START + 5 * DAY + 15 * HOUR;
const KEYS = [...['api-1', 'api-2', 'api-3'].map((k) => ['api', k]), ['worker', 'worker-1'], ['worker', 'worker-2']];

/** Five and a half days with a daily wave, the deploy, then a day more (noise seed 4). Returns the alarms from the deploy on. */
function run(): Array<{ minutes: number; key: string; scope: string }> {
  const rng = new SeededRandom(4);
  const detector = FleetDetector.create();
  const alarms: Array<{ minutes: number; key: string; scope: string }> = [];
  for (let t = START; t < DEPLOY + DAY; t += STEP) {
    const hour = ((t - START) % DAY) / HOUR;
    const wave = 1 + 0.4 * Math.sin((2 * Math.PI * (hour - 8)) / 24);
    const inputs: DetectorInput[] = KEYS.map(([group, key]) => {
      const traffic = 40 * wave * (1 + 0.05 * rng.normal());
      const cpu = (0.8 * traffic + 2 * rng.normal()) * (group === 'api' && t >= DEPLOY ? 1.6 : 1);
      return { key, group, timestampMs: t, values: [cpu, 50 + rng.normal(), traffic * 0.4, 150 * wave * (1 + 0.05 * rng.normal())] };
    });
    detector.updateBatch(inputs).forEach((v, i) => v.isAnomaly && t >= DEPLOY && alarms.push({ minutes: (t - DEPLOY) / 60_000, key: inputs[i].key, scope: v.scope }));
  }
  return alarms;
}

describe('a deploy to one service', () => {
  const alarms = run();

  it("is the service's event at once, and no fleet event when the fleet's median follows it (adopted once)", () => {
    const events = alarms.filter((a) => a.scope !== 'container');
    expect(events).toEqual([expect.objectContaining({ minutes: 0, scope: 'service' })]);
  });
});

describe('a deploy to a service of two', () => {
  it('is adopted by both, so a CPU runaway on one of them two days later is raised', () => {
    const rng = new SeededRandom(3);
    const detector = FleetDetector.create();
    const deployAt = START + 3 * DAY + 15 * HOUR;
    const runawayAt = START + 5 * DAY + 19 * HOUR;
    const keys = [['api', 'api-1'], ['api', 'api-2'], ['worker', 'worker-1'], ['worker', 'worker-2'], ['worker', 'worker-3']];
    const raised: number[] = [];
    for (let t = START; t < runawayAt + 2 * HOUR; t += STEP) {
      const wave = 1 + 0.4 * Math.sin((2 * Math.PI * ((t - START) / HOUR - 8)) / 24);
      const inputs: DetectorInput[] = keys.map(([group, key]) => {
        const traffic = 40 * wave * (1 + 0.05 * rng.normal());
        // Memory 10 points up on both api containers at the deploy; a quarter more CPU on api-1 from the runaway on.
        const runaway = key === 'api-1' && t >= runawayAt ? 1.25 : 1;
        const mem = 45 + rng.normal() + (group === 'api' && t >= deployAt ? 10 : 0);
        return { key, group, timestampMs: t, values: [(0.8 * traffic + 2 * rng.normal()) * runaway, mem, traffic * 0.4, 150 * wave * (1 + 0.05 * rng.normal())] };
      });
      detector.updateBatch(inputs).forEach((v, i) => v.isAnomaly && v.scope === 'container' && inputs[i].key === 'api-1' && t >= runawayAt && raised.push((t - runawayAt) / 60_000));
    }
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
    const rng = new SeededRandom(1);
    const detector = FleetDetector.create();
    const runawayAt = START + 4 * DAY + 11.5 * HOUR;
    const keys = [['api', 'api-1'], ['api', 'api-2'], ['worker', 'worker-1'], ['worker', 'worker-2'], ['worker', 'worker-3']];
    const wander: Record<string, number> = { api: 0, worker: 0 };
    const keep = Math.exp(-STEP / HOUR);
    const raised: number[] = [];
    for (let t = START; t < runawayAt + 2 * HOUR; t += STEP) {
      for (const g of Object.keys(wander)) wander[g] = keep * wander[g] + Math.sqrt(1 - keep * keep) * 0.15 * rng.normal();
      const wave = 1 + 0.4 * Math.sin((2 * Math.PI * ((t - START) / HOUR - 8)) / 24);
      const inputs: DetectorInput[] = keys.map(([group, key]) => {
        const traffic = 40 * wave * (1 + wander[group]) * (1 + 0.04 * rng.normal());
        let cpu = 0.8 * traffic + 2 * rng.normal();
        const [mem, net, disk] = [45 + rng.normal(), traffic * 0.4, 150 * wave * (1 + 0.05 * rng.normal())];
        if (key === 'api-1' && t >= runawayAt) cpu *= 1.6;
        return { key, group, timestampMs: t, values: [Math.max(cpu, 0), mem, net, disk] };
      });
      detector.updateBatch(inputs).forEach((v, i) => v.isAnomaly && v.scope === 'container' && inputs[i].key === 'api-1' && t >= runawayAt && raised.push((t - runawayAt) / 60_000));
    }
    expect(raised[0]).toBeLessThanOrEqual(30);
  });
});
