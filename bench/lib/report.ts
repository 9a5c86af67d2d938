/** Pure helpers of the benchmark harness: medians, ratios, the table and the JSON. */
export interface Figure {
  key: string;
  label: string;
  value: number;
  unit: string;
  /** Pass when value ≤ target (all targets here are upper bounds). */
  target?: number;
  /** A baseline measured in the same run, for a ratio. */
  baseline?: number;
}

export function median(values: number[]): number {
  if (values.length === 0) throw new Error('median of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function ratio(value: number, baseline: number | undefined): number | undefined {
  return baseline && baseline > 0 ? value / baseline : undefined;
}

const round = (n: number) => (Math.abs(n) >= 100 ? Math.round(n) : Math.round(n * 100) / 100);

export function toJson(figures: Figure[]): Record<string, number> {
  return Object.fromEntries(figures.map((f) => [f.key, round(f.value)]));
}

export function renderTable(figures: Figure[]): string {
  const rows = figures.map((f) => {
    const r = ratio(f.value, f.baseline);
    return [
      f.label,
      `${round(f.value)} ${f.unit}`,
      f.target === undefined ? '' : `≤ ${f.target} ${f.unit}`,
      f.baseline === undefined ? '' : `${round(f.baseline)} ${f.unit}`,
      r === undefined ? '' : `${r.toFixed(2)}×`,
      f.target === undefined ? '' : f.value <= f.target ? 'pass' : 'MISS',
    ];
  });
  const header = ['figure', 'value', 'target', 'baseline', 'ratio', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
