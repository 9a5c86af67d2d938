/**
 * The baseline every detector here must beat: a rolling 24-hour z-score per
 * container and metric, an alarm when any metric is more than 4 deviations
 * from its last day's mean. The window is in time, so it means the same at any
 * step; late and duplicate rows are judged against it but never enter it.
 */
import { classifyArrivals } from '../../src/backtest/irregularities';

export const Z_WINDOW_MS = 86_400_000;
export const Z_LIMIT = 4;

interface Window {
  times: number[];
  values: number[][];
  /** Index of the oldest row still in the window. */
  head: number;
  sum: number[];
  squares: number[];
  firstMs: number;
}

/** One flag per row, in input (arrival) order. */
export function zScoreFlags(rows: ReadonlyArray<{ key: string; timeMs: number; values: number[] }>, limit = Z_LIMIT): boolean[] {
  const { kinds } = classifyArrivals(rows);
  const windows = new Map<string, Window>();
  return rows.map((r, i) => {
    let w = windows.get(r.key);
    if (!w) windows.set(r.key, (w = { times: [], values: [], head: 0, sum: r.values.map(() => 0), squares: r.values.map(() => 0), firstMs: r.timeMs }));
    if (kinds[i] === 'in-order') {
      while (w.head < w.times.length && w.times[w.head] < r.timeMs - Z_WINDOW_MS) {
        w.values[w.head].forEach((x, m) => {
          w.sum[m] -= x;
          w.squares[m] -= x * x;
        });
        w.head++;
      }
    }
    const n = w.times.length - w.head;
    // A full day of history before any judgement, as the window's name promises.
    const flagged =
      r.timeMs - w.firstMs >= Z_WINDOW_MS &&
      n > 1 &&
      r.values.some((x, m) => {
        const mean = w.sum[m] / n;
        const std = Math.sqrt(Math.max(w.squares[m] / n - mean * mean, 1e-12));
        return Math.abs(x - mean) / std > limit;
      });
    if (kinds[i] === 'in-order') {
      w.times.push(r.timeMs);
      w.values.push(r.values);
      r.values.forEach((x, m) => {
        w.sum[m] += x;
        w.squares[m] += x * x;
      });
    }
    return flagged;
  });
}
