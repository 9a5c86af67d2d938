import { DEFAULT_DETECTOR_OPTIONS } from '../../../src/detector/defaults';
import { DAY_MS, FLEET_START_MS, HOUR_MS, playFleet } from '../../support/fleet-play';
import type { Detection } from '../../../src/detector/detection';
import { mergeSimultaneousAlarms, raiseSharedEvents, type Judged, type Member } from '../../../src/detector/shared-events';

const o = DEFAULT_DETECTOR_OPTIONS;
const T = Date.UTC(2026, 10, 5, 2);
const STEP = 300_000;

/** A verdict led by metric 0 (up, or down with `down`), an alarm or not (unusual with `unusual`). */
function verdict(isAnomaly: boolean, probability: number, down = false, unusual = isAnomaly): Judged {
  const lead = down ? { high: [0, 0, 0, 0], low: [9, 1, 0, 0] } : { high: [9, 1, 0, 0], low: [0, 0, 0, 0] };
  const detection: Detection = {
    score: 30, threshold: 20, isAnomaly, warmingUp: false, unusual, frozen: false, attribution: lead, scope: 'container',
    probability, arrival: 'in-order', warmupEndsAtMs: 0,
  };
  return { detection };
}
/** A member whose metric 0 departed `z` deviations from its own baseline, of a service of `serviceSize` containers. */
const member = (group: string, z = 3, serviceSize = 3): Member => ({ group, serviceSize, timestampMs: T, stepMs: STEP, z: Float64Array.from([z, 0, 0, 0]) });
const alarmsOf = (judged: Judged[]) => judged.map((j) => (j.detection.isAnomaly ? j.detection.scope : '-'));

describe('a shift a service shares', () => {
  /** A member of the service's (or `scope`'s) shift: no alarm with the shift taken out; `own` its probability without. */
  const inShift = (own: number, adopted = false, scope: 'service' | 'fleet' = 'service'): Judged => {
    const { detection } = verdict(false, 0.5);
    return { detection: { ...detection, scope }, raw: { score: 40, probability: own, threshold: 20 }, adopted };
  };
  const moved = (x: number) => Float64Array.from([x, 0, 0, 0]);
  const pair = [member('web', 3.5, 2), member('web', 3.5, 2)];

  it('is an event when most of its members would alarm on their own, or adopt it', () => {
    const both = [inShift(1e-7), inShift(1e-6)];
    raiseSharedEvents(pair, both, new Map(), o);
    expect(alarmsOf(both)).toEqual(['service', '-']);
    const adopted = [inShift(0.2, true), inShift(0.3, true)];
    raiseSharedEvents(pair, adopted, new Map(), o);
    expect(alarmsOf(adopted)).toEqual(['service', '-']);
    // One adoption of six in the fleet's shift is not most of them (found by review: it raised a fleet event).
    const six = ['a', 'a', 'b', 'b', 'c', 'c'].map((g) => member(g, 3.5, 2));
    const oneOfSix = [inShift(0.2, true, 'fleet'), ...[1, 2, 3, 4, 5].map(() => inShift(0.3, false, 'fleet'))];
    raiseSharedEvents(six, oneOfSix, new Map(), o);
    expect(alarmsOf(oneOfSix).filter((x) => x !== '-')).toEqual([]);
  });

  it("is one task's own alarm in a pair only where the other moved the shift's way too (a deploy), never an incident on one task", () => {
    const one = [inShift(1e-7), inShift(0.3)];
    raiseSharedEvents(pair, one, new Map(), o);
    expect(alarmsOf(one)).toEqual(['-', '-']);
    const deploy = [inShift(1e-7), inShift(0.3)];
    raiseSharedEvents([pair[0], { ...pair[1], moved: moved(2.5) }], deploy, new Map(), o);
    expect(alarmsOf(deploy)).toEqual(['service', '-']);
    // Two of a service of three whose third row is missing: one alarm is not most of three.
    const twoOfThree = [inShift(1e-7), inShift(0.3)];
    raiseSharedEvents([member('web', 3.5, 3), { ...member('web', 3.5, 3), moved: moved(2.5) }], twoOfThree, new Map(), o);
    expect(alarmsOf(twoOfThree)).toEqual(['-', '-']);
  });
});

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

  it("in a pair whose shift is under way on the alarm's metric, are the pair's when both moved its way: taken out, a shift leaves one up and one down", () => {
    const moved = (x: number) => Float64Array.from([x, 0, 0, 0]);
    const pair = [{ ...member('web', 3.5, 2), moved: moved(9) }, { ...member('web', -3.5, 2), moved: moved(4) }];
    const judged = [verdict(true, 1e-6), verdict(false, 0.5)];
    mergeSimultaneousAlarms(pair, judged, new Map(), o);
    expect(alarmsOf(judged)).toEqual(['service', '-']);
    // One task departing while the other stays put (a runaway during a shift from shared traffic), or a shift on another
    // metric, or a service of three (its median tells who departs): the container's alarm.
    const alone = [verdict(true, 1e-6), verdict(false, 0.5)];
    mergeSimultaneousAlarms([pair[0], { ...pair[1], moved: moved(0.3) }], alone, new Map(), o);
    expect(alarmsOf(alone)).toEqual(['container', '-']);
    const otherMetric = [verdict(true, 1e-6), verdict(false, 0.5)];
    mergeSimultaneousAlarms(pair.map((m) => ({ ...m, moved: Float64Array.from([0, 5, 0, 0]) })), otherMetric, new Map(), o);
    expect(alarmsOf(otherMetric)).toEqual(['container', '-']);
    const three = [verdict(true, 1e-6), verdict(false, 0.5), verdict(false, 0.5)];
    const trio = [...pair, { ...member('web', 0), moved: moved(4) }].map((m) => ({ ...m, serviceSize: 3 }));
    mergeSimultaneousAlarms(trio, three, new Map(), o);
    expect(alarmsOf(three)).toEqual(['container', '-', '-']);
    // Nor two of a service of three whose third row is missing from the round: its shift was the trio's, and the pair's rule would silence a runaway.
    const twoOfThree = [verdict(true, 1e-6), verdict(false, 0.5)];
    mergeSimultaneousAlarms(trio.slice(0, 2), twoOfThree, new Map(), o);
    expect(alarmsOf(twoOfThree)).toEqual(['container', '-']);
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

describe('a service scaled in', () => {
  it("is its event at once, not its remaining containers' alarms: the containers gone count no more", () => {
    // Six web tasks scaled in to two, which carry three times the traffic. A merge that counted the service's size over the
    // last hour (the four stopped tasks included) made it two container alarms at once and the event an hour later, and
    // two alarms on a service of two are "widespread" to the policy: a scale-out right after someone scaled in. And with the
    // pair's shift taken out, the two tasks' three times wider noise alarmed as each one's own (a pair's alarm on its shift is the pair's).
    const scaleInAt = FLEET_START_MS + 5 * DAY_MS + 15 * HOUR_MS;
    const web = ['web-1', 'web-2', 'web-3', 'web-4', 'web-5', 'web-6'].map((k) => ['web', k]);
    const others = [['api', 'api-1'], ['api', 'api-2'], ['api', 'api-3'], ['worker', 'worker-1'], ['worker', 'worker-2']];
    const alarms = playFleet({
      seed: 1,
      untilMs: scaleInAt + 4 * HOUR_MS,
      keysAt: (t) => (t >= scaleInAt ? [...web.slice(0, 2), ...others] : [...web, ...others]),
      values: (group, _key, t, rng) => {
        const wave = 1 + 0.4 * Math.sin((2 * Math.PI * ((t - FLEET_START_MS) / HOUR_MS - 8)) / 24);
        const traffic = 40 * wave * (group === 'web' && t >= scaleInAt ? 3 : 1) * (1 + 0.05 * rng.normal());
        return [0.8 * traffic + 2 * rng.normal(), 50 + rng.normal(), traffic * 0.4, 150 * wave * (1 + 0.05 * rng.normal())];
      },
    }).filter((a) => a.t >= scaleInAt);
    const firstHour = alarms.filter((a) => a.t < scaleInAt + HOUR_MS);
    expect(firstHour.map((a) => ({ minutes: (a.t - scaleInAt) / 60_000, key: a.key, scope: a.scope }))).toEqual([expect.objectContaining({ minutes: 0, scope: 'service' })]);
    // Nor at the adoption, an hour on: taken out of positions as if the level were the long-run mean (and unclipped, where
    // the residuals clip a tripled load), the shift left both tasks deviations of their own, two alarms at once at +65 min.
    expect(alarms.filter((a) => a.scope === 'container')).toEqual([]);
  });
});

describe('a deploy to a service of two', () => {
  it('is one event of the service, not two container alarms', () => {
    const deployAt = FLEET_START_MS + 2 * DAY_MS + 15 * HOUR_MS;
    const keys = [['api', 'api-1'], ['api', 'api-2'], ['worker', 'worker-1'], ['worker', 'worker-2'], ['worker', 'worker-3']];
    const alarms = playFleet({
      seed: 3,
      untilMs: FLEET_START_MS + 4 * DAY_MS,
      keysAt: () => keys,
      values: (group, _key, t, rng) => {
        const wave = 1 + 0.3 * Math.sin((2 * Math.PI * (t - FLEET_START_MS)) / DAY_MS);
        const traffic = 40 * wave * (1 + 0.05 * rng.normal());
        // The deploy: every api container's memory 10 points up at once, for good.
        const mem = 45 + rng.normal() + (group === 'api' && t >= deployAt ? 10 : 0);
        return [0.8 * traffic + 2 * rng.normal(), mem, traffic * 0.4, 150 * wave * (1 + 0.05 * rng.normal())];
      },
    }).filter((a) => a.t >= deployAt && a.t < deployAt + DAY_MS && a.key.startsWith('api'));
    expect(alarms.map((a) => ({ key: a.key, scope: a.scope }))).toEqual([{ key: expect.stringMatching(/^api-/), scope: 'service' }]);
  });
});
