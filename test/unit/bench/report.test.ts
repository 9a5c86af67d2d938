import { median, ratio, renderTable, toJson, type Figure } from '../../../bench/lib/report';

describe('benchmark report', () => {
  it('takes the median of odd and even samples', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow('median of nothing');
  });

  it('computes ratios only against a positive baseline', () => {
    expect(ratio(10, 40)).toBe(0.25);
    expect(ratio(10, undefined)).toBeUndefined();
    expect(ratio(10, 0)).toBeUndefined();
  });

  const figures: Figure[] = [
    { key: 'init_ms', label: 'bundle init', value: 12.345, unit: 'ms', target: 20, baseline: 40 },
    { key: 'cycle_rss_mb_10000', label: 'peak RSS', value: 711.4, unit: 'MB', target: 512 },
  ];

  it('prints one JSON object with stable keys and rounded values', () => {
    expect(toJson(figures)).toEqual({ init_ms: 12.35, cycle_rss_mb_10000: 711 });
  });

  it('prints a table with targets, baselines, ratios and pass/miss', () => {
    const table = renderTable(figures).split('\n');
    expect(table[0]).toMatch(/^figure +value +target +baseline +ratio$/);
    expect(table[2]).toMatch(/^bundle init +12\.35 ms +≤ 20 ms +40 ms +0\.31× +pass$/);
    expect(table[3]).toMatch(/^peak RSS +711 MB +≤ 512 MB +MISS$/);
  });
});
