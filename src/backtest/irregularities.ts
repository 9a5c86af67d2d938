/**
 * What real metric feeds do to a series, found per series in arrival order:
 * duplicate rows (a timestamp already seen), late rows (earlier than one
 * already seen), gaps (an interval well beyond the series' step) and changes
 * of the step itself. The step is detected, never assumed: the median of the
 * last few intervals, so one gap does not move it and a lasting change does.
 */

export type RowKind = 'in-order' | 'duplicate' | 'late';

export interface SeriesIrregularities {
  key: string;
  rows: number;
  duplicates: number;
  late: number;
  gaps: number;
  stepChanges: number;
  /** Each step the series settled on, in order (ms); empty ("unknown") when it has under two distinct timestamps. */
  steps: number[];
  firstMs: number;
  lastMs: number;
}

/** Intervals behind the detected step: an odd count, so the median is one of them. */
const STEP_WINDOW = 5;
/** An interval this many steps long or more is a gap (a missed sample or more). */
const GAP_RATIO = 1.5;
/** A median within this share of the current step is the same step (stamps jitter by a second or two). */
const STEP_TOLERANCE = 0.1;

/** Up to this many series, the summary names each one's step; beyond, it groups them. */
const LIST_STEPS_UP_TO = 12;

const near = (a: number, b: number) => Math.abs(a - b) <= STEP_TOLERANCE * b;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  // The lower median of an even count: two intervals, one of them a gap, give the step.
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

/** Follows one series' arrivals. */
class SeriesTracker {
  private readonly seen = new Set<number>();
  private latest = Number.NEGATIVE_INFINITY;
  private readonly recent: number[] = [];
  /** Whether each recent interval was counted as a gap (undone when a step change shows it was the new step). */
  private readonly recentGap: boolean[] = [];
  readonly stats: SeriesIrregularities;

  constructor(key: string) {
    this.stats = { key, rows: 0, duplicates: 0, late: 0, gaps: 0, stepChanges: 0, steps: [], firstMs: Number.POSITIVE_INFINITY, lastMs: Number.NEGATIVE_INFINITY };
  }

  arrive(timeMs: number): RowKind {
    const s = this.stats;
    s.rows++;
    s.firstMs = Math.min(s.firstMs, timeMs);
    s.lastMs = Math.max(s.lastMs, timeMs);
    if (this.seen.has(timeMs)) {
      s.duplicates++;
      return 'duplicate';
    }
    this.seen.add(timeMs);
    if (timeMs < this.latest) {
      s.late++;
      return 'late';
    }
    if (Number.isFinite(this.latest)) this.interval(timeMs - this.latest);
    this.latest = timeMs;
    return 'in-order';
  }

  private interval(ms: number): void {
    const s = this.stats;
    const step = s.steps[s.steps.length - 1];
    const gap = step !== undefined && ms >= GAP_RATIO * step;
    if (gap) s.gaps++;
    this.recent.push(ms);
    this.recentGap.push(gap);
    if (this.recent.length > STEP_WINDOW) {
      this.recent.shift();
      this.recentGap.shift();
    }
    const m = median(this.recent);
    if (step === undefined) {
      s.steps.push(m);
    } else if (!near(m, step) && this.recent.length === STEP_WINDOW) {
      s.steps.push(m);
      s.stepChanges++;
      // The intervals that made the new step were its first samples, not gaps.
      this.recent.forEach((r, i) => {
        if (this.recentGap[i] && near(r, m)) {
          s.gaps--;
          this.recentGap[i] = false;
        }
      });
    } else if (s.steps.length === 1 && this.recent.length < STEP_WINDOW) {
      // Until the window fills, the first step is still being found, not changed.
      s.steps[0] = m;
    }
  }
}

/** Classifies every row of every series, in arrival order. */
export function classifyArrivals(rows: ReadonlyArray<{ key: string; timeMs: number }>): { kinds: RowKind[]; series: SeriesIrregularities[] } {
  const trackers = new Map<string, SeriesTracker>();
  const kinds = rows.map((r) => {
    let t = trackers.get(r.key);
    if (!t) trackers.set(r.key, (t = new SeriesTracker(r.key)));
    return t.arrive(r.timeMs);
  });
  return { kinds, series: [...trackers.values()].map((t) => t.stats) };
}

/** `90000` → `1m30s`, `300000` → `5m`, `86400000` → `1d`. */
export function formatDuration(ms: number): string {
  if (ms <= 0) return '0s';
  const parts: string[] = [];
  let rest = Math.round(ms / 1000);
  for (const [unit, size] of [['d', 86_400], ['h', 3_600], ['m', 60], ['s', 1]] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.join('') || `${ms}ms`;
}

/** The one summary line for stderr: every kind of irregularity, and the detected step of each series. */
export function summaryLine(series: SeriesIrregularities[]): string {
  const total = (pick: (s: SeriesIrregularities) => number) => series.reduce((sum, s) => sum + pick(s), 0);
  const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
  const detected = (s: SeriesIrregularities) => (s.steps.length ? s.steps.map(formatDuration).join('→') : 'unknown');
  let steps: string[];
  if (series.length <= LIST_STEPS_UP_TO) {
    steps = series.map((s) => (series.length === 1 ? `step ${detected(s)}` : `${s.key} ${detected(s)}`));
  } else {
    // A fleet's line stays readable: series grouped by the steps they showed, the rarer ones named.
    const groups = new Map<string, string[]>();
    for (const s of series) groups.set(detected(s), [...(groups.get(detected(s)) ?? []), s.key]);
    steps = [...groups].map(([step, keys]) => (keys.length <= 3 ? `${keys.join(' ')} ${step}` : `${step} ×${keys.length}`));
  }
  return [
    `${plural(series.length, 'series', 'series')}, ${plural(total((s) => s.rows), 'row')}: `,
    `${plural(total((s) => s.duplicates), 'duplicate')}, ${total((s) => s.late)} late, ${plural(total((s) => s.gaps), 'gap')}, `,
    `${plural(total((s) => s.stepChanges), 'step change')}; `,
    series.length === 1 ? steps[0] : `steps: ${steps.join(', ')}`,
  ].join('');
}
