import { classifyArrivals } from '../../../src/backtest/irregularities';
import { assertAmongTuningSeeds } from '../../../bench/lib/tuning-seeds';
import { DAY_MINUTES, INCIDENTS, MINUTE_MS, REPORTING_SEEDS, SERVICES, START_MS, TUNING_SEEDS } from '../../../bench/lib/incident-plan';
import { generateIncidentSet, METRICS, placeIncidents, type IncidentSet } from '../../../bench/lib/incidents';

const hour = 3_600_000;
const day = 24 * hour;
const set60 = generateIncidentSet(3, 60);

/** The first delivered row of a container at a time (a duplicate repeats it). */
const rowAt = (set: IncidentSet, key: string, timeMs: number) => set.rows.find((r) => r.key === key && r.timeMs === timeMs);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const metricOver = (set: IncidentSet, key: string, metric: string, fromMs: number, toMs: number) =>
  mean(set.rows.filter((r) => r.key === key && r.timeMs >= fromMs && r.timeMs < toMs).map((r) => r.values[METRICS.indexOf(metric)]));

describe('container-incident simulator', () => {
  it('plays 8 containers of 4 services for 8 days from Monday, with 10 incidents of 8 kinds', () => {
    expect(new Date(START_MS).getUTCDay()).toBe(1);
    expect(SERVICES.flatMap((s) => s.containers)).toHaveLength(8);
    expect(new Set(set60.rows.map((r) => r.group))).toEqual(new Set(['api', 'worker', 'batch', 'web']));
    expect(set60.incidents).toHaveLength(10);
    expect(new Set(set60.incidents.map((i) => i.kind)).size).toBe(8);
    expect(Math.max(...set60.rows.map((r) => r.timeMs)) - START_MS).toBe(8 * day - hour);
  });

  it('places each incident on its day, starting within its hours, lasting its minutes; the seed moves it', () => {
    const placed = placeIncidents(5);
    placed.forEach((p, i) => {
      const plan = INCIDENTS[i];
      const startHour = (p.fromMs - START_MS - plan.day * day) / hour;
      expect(startHour).toBeGreaterThanOrEqual(plan.startHours[0]);
      expect(startHour).toBeLessThan(plan.startHours[1]);
      expect(p.toMs - p.fromMs).toBe(plan.minutes * MINUTE_MS);
    });
    expect(placeIncidents(6).map((p) => p.fromMs)).not.toEqual(placed.map((p) => p.fromMs));
  });

  it('drops the whole fleet’s traffic by a quarter on the weekend', () => {
    for (const key of ['api-2', 'web-1', 'batch-2']) {
      const weekday = metricOver(set60, key, 'net_mbps', START_MS + 1 * day, START_MS + 5 * day);
      const weekend = metricOver(set60, key, 'net_mbps', START_MS + 5 * day, START_MS + 7 * day);
      expect(weekend / weekday).toBeGreaterThan(0.7);
      expect(weekend / weekday).toBeLessThan(0.8);
    }
  });

  it('raises every api container’s memory at Thursday’s deploy, and no other service’s', () => {
    const deploy = START_MS + 3 * day + 15 * hour;
    const jump = (key: string) => metricOver(set60, key, 'mem_pct', deploy, deploy + 6 * hour) - metricOver(set60, key, 'mem_pct', deploy - 24 * hour, deploy - 18 * hour);
    for (const key of ['api-1', 'api-2', 'api-3']) expect(jump(key)).toBeGreaterThan(8);
    expect(Math.abs(jump('web-1'))).toBeLessThan(3);
  });

  it('shows each incident on its container: an outage silences traffic, a hung process idles CPU under traffic', () => {
    const set = generateIncidentSet(3, 5);
    const [outage, hung] = ['outage', 'hung-process'].map((k) => set.incidents.find((i) => i.kind === k)!);
    const inside = (i: typeof outage, metric: string, shift = 0) => metricOver(set, i.container, metric, i.fromMs + 10 * MINUTE_MS - shift, i.toMs - shift);
    expect(inside(outage, 'net_mbps')).toBeLessThan(0.1 * inside(outage, 'net_mbps', day));
    // Against the same hours of the day before (a weekday, a quarter busier).
    expect(inside(hung, 'cpu_pct')).toBeLessThan(0.2 * inside(hung, 'cpu_pct', day));
    expect(inside(hung, 'net_mbps')).toBeGreaterThan(0.6 * inside(hung, 'net_mbps', day));
  });

  it('samples a coarse step as the mean of its minutes, stamped at the step’s start', () => {
    const fine = generateIncidentSet(3, 1);
    // The first hour on Wednesday whose 60 minutes all arrived (a few minutes go missing by design).
    const hourAt = (t: number) => Array.from({ length: 60 }, (_, m) => rowAt(fine, 'api-1', t + m * MINUTE_MS));
    let t = START_MS + 2 * day;
    while (hourAt(t).includes(undefined)) t += hour;
    const minutes = hourAt(t).map((r) => r!.values);
    const coarse = rowAt(set60, 'api-1', t)!.values;
    METRICS.forEach((_, k) => expect(coarse[k]).toBeCloseTo(mean(minutes.map((v) => v[k])), 6));
  });

  it('delivers rows as real feeds do: some missing, some twice, some late, each counted', () => {
    const set = generateIncidentSet(3, 1);
    expect(set.delivery.missing).toBeGreaterThan(0);
    expect(set.delivery.duplicates).toBeGreaterThan(0);
    expect(set.delivery.late).toBeGreaterThan(0);
    const found = classifyArrivals(set.rows).series;
    expect(found.reduce((s, x) => s + x.duplicates, 0)).toBe(set.delivery.duplicates);
    expect(found.reduce((s, x) => s + x.late, 0)).toBe(set.delivery.late);
    expect(set.rows.length).toBe(8 * 8 * DAY_MINUTES - set.delivery.missing + set.delivery.duplicates);
  });

  it('is a pure function of the seed', () => {
    expect(generateIncidentSet(3, 60)).toEqual(set60);
    expect(generateIncidentSet(4, 60).rows[500].values).not.toEqual(set60.rows[500].values);
    expect(() => generateIncidentSet(3, 7)).toThrow('dividing a day');
  });

  it('keeps the tuning and the reporting seeds apart, and bench:incidents refuses reporting seeds', () => {
    expect(TUNING_SEEDS.filter((s) => REPORTING_SEEDS.includes(s))).toEqual([]);
    expect(() => assertAmongTuningSeeds([1, 2], TUNING_SEEDS)).not.toThrow();
    expect(() => assertAmongTuningSeeds([1, REPORTING_SEEDS[0]], TUNING_SEEDS)).toThrow(`seed(s) ${REPORTING_SEEDS[0]} are not tuning seeds`);
  });
});
