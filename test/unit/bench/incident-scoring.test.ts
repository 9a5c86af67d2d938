import { combine, evaluate, type Alarm } from '../../../bench/lib/incident-scoring';
import type { IncidentSet } from '../../../bench/lib/incidents';
import type { DetectionScope } from '../../../src/detector';

const min = 60_000;
const hour = 60 * min;
const set = (stepMs: number): IncidentSet => ({
  seed: 1,
  stepMs,
  rows: [],
  delivery: { missing: 0, duplicates: 0, late: 0 },
  incidents: [
    { container: 'a', kind: 'outage', label: 'outage', fromMs: 10 * hour + 10 * min, toMs: 11 * hour + 5 * min },
    { container: 'b', kind: 'memory-leak', label: 'leak', fromMs: 20 * hour, toMs: 22 * hour },
  ],
});
const alarm = (key: string, timeMs: number, scope: DetectionScope = 'container', group = key): Alarm => ({ key, group, timeMs, scope });

describe('incident scoring', () => {
  it('finds an incident by a container alarm on its container from a row whose step overlaps it', () => {
    // At 60-minute steps the row stamped 10:00 covers 10:00–11:00, which the 10:10 outage overlaps.
    expect(evaluate(set(hour), [alarm('a', 10 * hour)])).toMatchObject({ found: 1, falseAlarmEpisodes: 0 });
    // At 5-minute steps the 10:00 row ends before the outage begins: a false alarm.
    expect(evaluate(set(5 * min), [alarm('a', 10 * hour)])).toMatchObject({ found: 0, falseAlarmEpisodes: 1 });
    // An alarm on another container is not this incident.
    expect(evaluate(set(5 * min), [alarm('c', 10 * hour + 30 * min)])).toMatchObject({ found: 0, falseAlarmEpisodes: 1, missed: ['a: outage', 'b: leak'] });
  });

  it('credits an alarm up to an hour after the incident ends (a ramp’s tail), not later', () => {
    expect(evaluate(set(5 * min), [alarm('b', 22 * hour + 55 * min)]).found).toBe(1);
    expect(evaluate(set(5 * min), [alarm('b', 23 * hour + 5 * min)])).toMatchObject({ found: 0, falseAlarmEpisodes: 1 });
  });

  it('counts false alarms as episodes per container: within an hour of the last they are one', () => {
    const alarms = [alarm('c', 0), alarm('c', 50 * min), alarm('c', 100 * min), alarm('c', 4 * hour), alarm('d', 50 * min)];
    expect(evaluate(set(5 * min), alarms).falseAlarmEpisodes).toBe(3);
  });

  it('counts fleet and service alarms as events apart: never container alarms, never an incident found', () => {
    const shared = [
      ...['a', 'b', 'c', 'd'].map((k) => alarm(k, 5 * hour, 'fleet', 'g')),
      alarm('a', 10 * hour + 30 * min, 'fleet', 'g'),
      alarm('a', 30 * hour, 'service', 'api'),
      alarm('b', 30 * hour, 'service', 'api'),
      alarm('c', 30 * hour, 'service', 'web'),
    ];
    expect(evaluate(set(5 * min), shared)).toMatchObject({ found: 0, falseAlarmEpisodes: 0, fleetEvents: 2, serviceEvents: 2 });
  });

  it('sums several sets, listing each miss with its seed', () => {
    const one = evaluate(set(5 * min), [alarm('a', 10 * hour + 30 * min), alarm('c', 0)]);
    expect(combine([{ seed: 7, evaluation: one }, { seed: 8, evaluation: one }])).toEqual({
      incidents: 4,
      found: 2,
      missed: ['7/b: leak', '8/b: leak'],
      falseAlarmEpisodes: 2,
      fleetEvents: 0,
      serviceEvents: 0,
    });
  });
});
