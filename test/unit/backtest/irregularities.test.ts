import { classifyArrivals, formatDuration, summaryLine } from '../../../src/backtest/irregularities';

const min = 60_000;
const at = (key: string, minutes: number[]) => minutes.map((m) => ({ key, timeMs: m * min }));
const every = (step: number, n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i * step);

describe('input irregularities', () => {
  it('a regular series has none, and its step is found', () => {
    const { kinds, series } = classifyArrivals(at('a', every(5, 50)));
    expect(kinds.every((k) => k === 'in-order')).toBe(true);
    expect(series[0]).toMatchObject({ rows: 50, duplicates: 0, late: 0, gaps: 0, stepChanges: 0, steps: [5 * min] });
  });

  it('tells a duplicate (a timestamp already seen) from a late row (earlier than one seen, new)', () => {
    const { kinds, series } = classifyArrivals(at('a', [0, 5, 10, 10, 15, 5, 12, 20]));
    expect(kinds).toEqual(['in-order', 'in-order', 'in-order', 'duplicate', 'in-order', 'duplicate', 'late', 'in-order']);
    expect(series[0]).toMatchObject({ duplicates: 2, late: 1, gaps: 0 });
  });

  it('counts a gap without taking it for a new step', () => {
    const minutes = [...every(5, 20), ...every(5, 20, 200)];
    expect(classifyArrivals(at('a', minutes)).series[0]).toMatchObject({ gaps: 1, stepChanges: 0, steps: [5 * min] });
  });

  it('finds the step even when the series opens with a gap', () => {
    expect(classifyArrivals(at('a', [0, 60, ...every(5, 20, 65)])).series[0]).toMatchObject({ steps: [5 * min], stepChanges: 0 });
  });

  it('follows a lasting change of step, and does not count its first samples as gaps', () => {
    const minutes = [...every(1, 30), ...every(5, 30, 30)];
    const s = classifyArrivals(at('a', minutes)).series[0];
    expect(s).toMatchObject({ stepChanges: 1, gaps: 0, steps: [min, 5 * min] });
  });

  it('tolerates stamps jittering by a few seconds', () => {
    const rows = every(5, 40).map((m, i) => ({ key: 'a', timeMs: m * min + (i % 3) * 2000 }));
    expect(classifyArrivals(rows).series[0]).toMatchObject({ stepChanges: 0, gaps: 0 });
  });

  it('keeps each series apart', () => {
    const rows = [...at('a', every(5, 10)), ...at('b', every(60, 10))];
    const { series } = classifyArrivals(rows);
    expect(series.map((s) => [s.key, s.steps])).toEqual([['a', [5 * min]], ['b', [60 * min]]]);
  });

  it('writes durations and the one summary line', () => {
    expect(formatDuration(90_000)).toBe('1m30s');
    expect(formatDuration(86_400_000)).toBe('1d');
    expect(formatDuration(3_600_000 + 300_000)).toBe('1h5m');
    const one = classifyArrivals(at('a', [0, 5, 10, 10, 15, 5, 12, 20, 60, 65])).series;
    expect(summaryLine(one)).toBe('1 series, 10 rows: 2 duplicates, 1 late, 1 gap, 0 step changes; step 5m');
    const two = classifyArrivals([...at('a', every(1, 30)), ...at('b', [...every(1, 10), ...every(5, 10, 10)])]).series;
    expect(summaryLine(two)).toBe('2 series, 50 rows: 0 duplicates, 0 late, 0 gaps, 1 step change; steps: a 1m, b 1m→5m');
  });

  it('groups the steps of a fleet by what they showed, naming the rare ones', () => {
    const fleet = [...Array.from({ length: 20 }, (_, i) => at(`c${i}`, every(5, 10))).flat(), ...at('odd', every(1, 10)), ...at('none', [0])];
    expect(summaryLine(classifyArrivals(fleet).series)).toBe('22 series, 211 rows: 0 duplicates, 0 late, 0 gaps, 0 step changes; steps: 5m ×20, odd 1m, none unknown');
  });
});
