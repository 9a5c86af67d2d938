import { zScoreFlags } from '../../../bench/lib/zscore';

const hour = 3_600_000;
const noisy = (i: number) => 50 + ((i * 7919) % 17) - 8;
const series = (stepMs: number, hours: number, spikeAtHour: number) =>
  Array.from({ length: (hours * hour) / stepMs }, (_, i) => ({ key: 'a', timeMs: i * stepMs, values: [i * stepMs === spikeAtHour * hour ? 200 : noisy(i)] }));

describe('rolling 24-hour z-score', () => {
  it('flags a spike once it has a day of history, at any step, and nothing else in plain noise', () => {
    for (const step of [5 * 60_000, hour]) {
      const rows = series(step, 48, 30);
      const flagged = zScoreFlags(rows).flatMap((f, i) => (f ? [rows[i].timeMs / hour] : []));
      expect(flagged).toEqual([30]);
    }
  });

  it('judges nothing in its first day', () => {
    const rows = series(hour, 48, 10);
    expect(zScoreFlags(rows).some(Boolean)).toBe(false);
  });

  it('judges a late row against the window but never adds it to the window', () => {
    const rows = series(hour, 40, 38);
    const late = { key: 'a', timeMs: 30 * hour + 60_000, values: [5000] };
    const messy = [...rows.slice(0, 35), late, ...rows.slice(35)];
    const flags = zScoreFlags(messy);
    expect(flags[35]).toBe(true);
    expect([...flags.slice(0, 35), ...flags.slice(36)]).toEqual(zScoreFlags(rows));
    // The spike three hours later is still news: the late 5000 did not widen the window.
    expect(flags[39]).toBe(true);
  });

  it('keeps containers apart', () => {
    const a = series(hour, 48, 30);
    const b = a.map((r) => ({ ...r, key: 'b', values: [noisy(r.timeMs / hour + 3)] }));
    const flags = zScoreFlags(a.flatMap((r, i) => [r, b[i]]));
    expect(flags.filter((_, i) => i % 2 === 1).some(Boolean)).toBe(false);
    expect(flags.filter(Boolean)).toHaveLength(1);
  });
});
