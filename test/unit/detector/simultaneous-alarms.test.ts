import { FleetDetector, type DetectorInput } from '../../../src/detector';
import { DEFAULT_DETECTOR_OPTIONS } from '../../../src/detector/defaults';
import { SeededRandom } from '../../../src/detector/random';
import type { Detection } from '../../../src/detector/detection';
import { census, mergeSimultaneousAlarms, type Judged, type Member } from '../../../src/detector/shared-events';

const o = DEFAULT_DETECTOR_OPTIONS;
const T = Date.UTC(2026, 10, 5, 2);
const STEP = 300_000;

/** A verdict led by metric 0 (up, or down with `down`), an alarm or not (unusual with `unusual`). */
function verdict(isAnomaly: boolean, probability: number, down = false, unusual = isAnomaly): Judged {
  const lead = down ? { high: [0, 0, 0, 0], low: [9, 1, 0, 0] } : { high: [9, 1, 0, 0], low: [0, 0, 0, 0] };
  const detection: Detection = {
    score: 30, threshold: 20, isAnomaly, warmingUp: false, unusual, attribution: lead, scope: 'container',
    probability, arrival: 'in-order', warmupEndsAtMs: 0,
  };
  return { detection };
}
/** A member whose metric 0 departed `z` deviations from its own baseline. */
const member = (group: string, z = 3): Member => ({ group, timestampMs: T, stepMs: STEP, z: Float64Array.from([z, 0, 0, 0]) });
const alarmsOf = (judged: Judged[]) => judged.map((j) => (j.detection.isAnomaly ? j.detection.scope : '-'));

describe('container alarms most of a service raises at once', () => {
  it('are one event of the service, carried by the strongest, remembered for the episode', () => {
    const members = ['batch', 'batch', 'batch', 'api'].map((g) => member(g));
    const judged = [verdict(true, 1e-6), verdict(true, 1e-8), verdict(false, 0.5), verdict(true, 1e-6)];
    const events = new Map<string, number>();
    mergeSimultaneousAlarms(members, judged, events, o);
    expect(alarmsOf(judged)).toEqual(['-', 'service', '-', 'container']);
    expect(events.get('batch')).toBe(T);
    // Within the episode the service's event has been told: the next round's simultaneous alarms add nothing.
    const next = [verdict(true, 1e-6), verdict(true, 1e-6), verdict(false, 0.5), verdict(false, 0.5)];
    mergeSimultaneousAlarms(members.map((m) => ({ ...m, timestampMs: T + STEP })), next, events, o);
    expect(alarmsOf(next)).toEqual(['-', '-', '-', '-']);
  });

  it('are the service\'s when its other containers are unusual at the same moment the same way, though not alarmed yet', () => {
    const members = [member('batch', 4), member('batch', 2.5), member('batch', 0.2)];
    const judged = [verdict(true, 1e-6), verdict(false, 5e-5, false, true), verdict(false, 0.5)];
    mergeSimultaneousAlarms(members, judged, new Map(), o);
    expect(alarmsOf(judged)).toEqual(['service', '-', '-']);
    // Unusual, but departing the other way on the alarm's metric (or less than a deviation its way): not what the alarm is about.
    const apart = [member('batch', 4), member('batch', -2.5), member('batch', 0.5)];
    const judgedApart = [verdict(true, 1e-6), verdict(false, 5e-5, false, true), verdict(false, 5e-5, false, true)];
    mergeSimultaneousAlarms(apart, judgedApart, new Map(), o);
    expect(alarmsOf(judgedApart)).toEqual(['container', '-', '-']);
  });

  it('are never merged across services: one service\'s shift and another\'s incident at once are not the fleet\'s', () => {
    const members = ['api', 'worker', 'web'].map((g) => member(g));
    const judged = [verdict(true, 1e-6), verdict(true, 1e-7), verdict(true, 1e-6)];
    mergeSimultaneousAlarms(members, judged, new Map(), o);
    expect(alarmsOf(judged)).toEqual(['container', 'container', 'container']);
  });

  it('stay container alarms when few of the service raise them, or they go different ways, or one container is alone', () => {
    const three = [member('batch', 4), member('batch', 0.2), member('batch', 2.5)];
    const one = [verdict(true, 1e-6), verdict(false, 0.5), verdict(false, 0.5)];
    mergeSimultaneousAlarms(three, one, new Map(), o);
    expect(alarmsOf(one)).toEqual(['container', '-', '-']);
    // An outage in one (traffic down) and a surge its neighbour takes over (traffic up) are two incidents.
    const pair = [member('api', 3), member('api', -3)];
    const opposite = [verdict(true, 1e-6), verdict(true, 1e-6, true)];
    mergeSimultaneousAlarms(pair, opposite, new Map(), o);
    expect(alarmsOf(opposite)).toEqual(['container', 'container']);
    const single = [verdict(true, 1e-6)];
    mergeSimultaneousAlarms([member('web')], single, new Map(), o);
    expect(alarmsOf(single)).toEqual(['container']);
  });
});

describe("a service's size, not the round's", () => {
  it('two of a service of six fed two at a time are no share of it: they keep their container alarms', () => {
    const pair = [member('batch', 4), member('batch', 3.5)];
    const judged = () => [verdict(true, 1e-6), verdict(true, 1e-7)];
    const inRound = judged();
    mergeSimultaneousAlarms(pair, inRound, new Map(), o);
    expect(alarmsOf(inRound)).toEqual(['-', 'service']);
    const ofSix = judged();
    mergeSimultaneousAlarms(pair, ofSix, new Map(), o, (g) => (g === 'batch' ? 6 : 0));
    expect(alarmsOf(ofSix)).toEqual(['container', 'container']);
  });

  it('counts the keys of each group seen within the window, once, when first asked', () => {
    let passes = 0;
    const keys = [{ group: 'a', lastMs: 100 }, { group: 'a', lastMs: 40 }, { group: 'a', lastMs: Number.NaN }, { group: 'b', lastMs: 90 }];
    const sizeOf = census(() => (passes++, keys), 100, 50);
    expect(passes).toBe(0);
    expect([sizeOf('a'), sizeOf('b'), sizeOf('c')]).toEqual([1, 1, 0]);
    expect(passes).toBe(1);
  });

  it('end to end: two containers of six whose CPU triples at once, delivered two per call, are two container alarms', () => {
    const rng = new SeededRandom(5);
    const detector = FleetDetector.create();
    const start = Date.UTC(2026, 10, 2);
    const at = start + 2 * 86_400_000 + 14 * 3_600_000;
    const keys = ['batch-1', 'batch-2', 'batch-3', 'batch-4', 'batch-5', 'batch-6'];
    const alarms: Array<{ key: string; scope: string }> = [];
    for (let t = start; t < at + 30 * 60_000; t += STEP) {
      const wave = 1 + 0.3 * Math.sin((2 * Math.PI * (t - start)) / 86_400_000);
      const inputs: DetectorInput[] = keys.map((key) => {
        const traffic = 40 * wave * (1 + 0.05 * rng.normal());
        const cpu = (0.8 * traffic + 2 * rng.normal()) * (t >= at && (key === 'batch-1' || key === 'batch-2') ? 3 : 1);
        return { key, group: 'batch', timestampMs: t, values: [cpu, 45 + rng.normal(), traffic * 0.4, 150 * wave * (1 + 0.05 * rng.normal())] };
      });
      for (let i = 0; i < inputs.length; i += 2) {
        detector.updateBatch(inputs.slice(i, i + 2)).forEach((v, k) => v.isAnomaly && t >= at && alarms.push({ key: inputs[i + k].key, scope: v.scope }));
      }
    }
    expect(alarms.filter((a) => a.scope !== 'container')).toEqual([]);
    expect(new Set(alarms.map((a) => a.key))).toEqual(new Set(['batch-1', 'batch-2']));
  });
});

describe('a deploy to a service of two', () => {
  it('is one event of the service, not two container alarms: two containers are too few for a crowd, not for a shared moment', () => {
    const rng = new SeededRandom(3);
    const detector = FleetDetector.create();
    const start = Date.UTC(2026, 10, 2);
    const deployAt = start + 2 * 86_400_000 + 15 * 3_600_000;
    const keys = [['api', 'api-1'], ['api', 'api-2'], ['worker', 'worker-1'], ['worker', 'worker-2'], ['worker', 'worker-3']];
    const alarms: Array<{ key: string; scope: string }> = [];
    for (let t = start; t < start + 4 * 86_400_000; t += STEP) {
      const wave = 1 + 0.3 * Math.sin((2 * Math.PI * (t - start)) / 86_400_000);
      const inputs: DetectorInput[] = keys.map(([group, key]) => {
        const traffic = 40 * wave * (1 + 0.05 * rng.normal());
        // The deploy: every api container's memory 10 points up at once, for good.
        const mem = 45 + rng.normal() + (group === 'api' && t >= deployAt ? 10 : 0);
        return { key, group, timestampMs: t, values: [0.8 * traffic + 2 * rng.normal(), mem, traffic * 0.4, 150 * wave * (1 + 0.05 * rng.normal())] };
      });
      detector.updateBatch(inputs).forEach((v, i) => {
        if (v.isAnomaly && t >= deployAt && t < deployAt + 86_400_000 && inputs[i].key.startsWith('api')) alarms.push({ key: inputs[i].key, scope: v.scope });
      });
    }
    expect(alarms).toEqual([{ key: expect.stringMatching(/^api-/), scope: 'service' }]);
  });
});
