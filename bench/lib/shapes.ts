/**
 * Labelled single series of generic anomaly shapes: the kinds of departure a
 * metric feed shows whatever produced it (a spike, an outage, a level that
 * jumps, a signal that freezes, noise that grows, bursts that come more
 * often, a slow climb), each on three ordinary backgrounds (flat noise, a
 * daily and weekly cycle, a bursty metric), at 5-, 15- and 60-minute steps.
 * NAB's AWS files have 30 labelled windows of a few shapes; these add shapes
 * and steps they lack, from a generator nobody tuned a detector to. Each
 * series is 14 days, with at most one anomaly after its fourth day; `none`
 * series have none, so every alarm on them is false. Windows are as long as
 * NAB's (10% of the series), but start at the anomaly's onset (the row whose
 * step holds it): NAB centres them on a person's label, here the onset is
 * known, and an alarm before it is no detection. Scored by NAB's rules
 * (nab-scorer.ts). Each seed plays the same minutes at every step: the steps
 * are paired, not independent sets.
 */
import { deriveSeed, SeededRandom } from '../../src/detector/random';
import { SINGLE_SERIES, type BacktestInput, type SeriesRow } from '../../src/backtest/input';
import { DAY_MINUTES, MINUTE_MS } from './incident-plan';

export const SHAPE_KINDS = ['none', 'spike', 'outage', 'level-up', 'level-down', 'flatline', 'noise-burst', 'burst-density', 'ramp'] as const;
export type ShapeKind = (typeof SHAPE_KINDS)[number];
export const BACKGROUNDS = ['flat', 'cycle', 'bursty'] as const;
export type Background = (typeof BACKGROUNDS)[number];

/** Seeds the shapes may be chosen on, and seeds only ever reported. */
export const SHAPE_TUNING_SEEDS: readonly number[] = [1, 2, 3];
export const SHAPE_REPORTING_SEEDS: readonly number[] = [101, 102];
export const SHAPE_STEPS_MINUTES: readonly number[] = [5, 15, 60];

const DAYS = 14;
const START_MS = Date.UTC(2026, 5, 1);
/** Share of a series NAB's windows cover, split among its anomalies (one here). */
const WINDOW_SHARE = 0.1;

export interface ShapeSeries {
  name: string;
  kind: ShapeKind;
  background: Background;
  input: BacktestInput;
  times: number[];
  /** When the anomaly runs [from, to) in ms, or null for a `none` series. */
  anomaly: { fromMs: number; toMs: number } | null;
  windows: Array<[number, number]>;
}

/** What a background does at minute `m`, before any anomaly: its mean, its noise, and how likely an ordinary burst is this minute. */
interface Ordinary {
  mean: number;
  noise: number;
  burstPerMinute: number;
}

function ordinary(background: Background, minute: number, level: number): Ordinary {
  const day = Math.floor(minute / DAY_MINUTES);
  const hour = (minute % DAY_MINUTES) / 60;
  switch (background) {
    case 'flat':
      return { mean: level, noise: 0.05 * level, burstPerMinute: 0 };
    case 'cycle': {
      // Busy by day, quiet at night, a third less on weekends (the series starts on a Monday).
      const daily = 0.6 + 0.4 * Math.max(0, Math.sin((Math.PI * (hour - 6)) / 14));
      const weekend = day % 7 >= 5 ? 0.7 : 1;
      return { mean: level * daily * weekend, noise: 0.04 * level, burstPerMinute: 0 };
    }
    case 'bursty':
      // About four ordinary bursts a day: a metric whose peaks are its everyday behaviour.
      return { mean: 0.3 * level, noise: 0.03 * level, burstPerMinute: 4 / DAY_MINUTES };
  }
}

/** The anomaly's start (minute) and length (minutes): after the fourth day, lengths typical of the kind. */
function placement(kind: ShapeKind, stepMinutes: number, r: SeededRandom): { start: number; minutes: number } {
  const minute = Math.floor((4 + r.next() * 8) * DAY_MINUTES);
  // A spike fills one step exactly, so it is one reading high; other kinds start at any minute.
  const start = kind === 'spike' ? minute - (minute % stepMinutes) : minute;
  const span = (lo: number, hi: number) => Math.round((lo + r.next() * (hi - lo)) * 60);
  const minutes: Record<ShapeKind, number> = {
    none: 0,
    // One sample high, at any step: a feed's spike is one reading.
    spike: stepMinutes,
    outage: span(1, 2),
    'level-up': span(6, 24),
    'level-down': span(6, 24),
    flatline: span(6, 12),
    'noise-burst': span(3, 6),
    'burst-density': span(12, 24),
    ramp: span(4, 8),
  };
  return { start, minutes: minutes[kind] };
}

/** One series, minute by minute, then averaged over each step as a monitoring feed rolls up. */
export function generateShape(seed: number, kind: ShapeKind, background: Background, stepMinutes: number): ShapeSeries {
  const r = new SeededRandom(deriveSeed(seed, `${kind}/${background}`));
  const level = 50 + r.next() * 50;
  const { start, minutes } = placement(kind, stepMinutes, r);
  const end = start + minutes;
  const total = DAYS * DAY_MINUTES;
  const values = new Float64Array(total);
  let burstLeft = 0;
  let burstHeight = 0;
  let frozen = Number.NaN;
  // Noise wanders (an AR(1) process with a half-hour memory), so a step's average keeps most of it, as real metrics do.
  const phi = Math.exp(-1 / 30);
  let wander = 0;
  for (let m = 0; m < total; m++) {
    const o = ordinary(background, m, level);
    const during = kind !== 'none' && m >= start && m < end;
    const progress = during ? (m - start) / Math.max(1, minutes) : 0;
    wander = phi * wander + Math.sqrt(1 - phi * phi) * r.normal();
    let noise = o.noise * wander;
    if (during && kind === 'noise-burst') noise *= 5;
    let v = o.mean + noise;
    // Eight times the ordinary bursts (four a day where a background has none).
    const burstRate = during && kind === 'burst-density' ? 8 * Math.max(o.burstPerMinute, 4 / DAY_MINUTES) : o.burstPerMinute;
    if (burstLeft === 0 && r.next() < burstRate) {
      burstLeft = 10 + Math.floor(r.next() * 30);
      burstHeight = level * (0.5 + r.next());
    }
    if (burstLeft > 0) {
      v += burstHeight;
      burstLeft--;
    }
    if (during) {
      // Beyond the background's ordinary highs: above a bursty metric's bursts (at most 1.5 levels), not just its base.
      if (kind === 'spike') v += (o.burstPerMinute > 0 ? 2 : 0.8) * level;
      if (kind === 'outage') v = o.mean * 0.05 + Math.abs(noise) * 0.1;
      if (kind === 'level-up') v += 0.25 * level;
      if (kind === 'level-down') v -= 0.25 * o.mean;
      // A leak: it climbs for half its length, holds, and ends at once (the restart).
      if (kind === 'ramp') v += 0.4 * level * Math.min(1, 2 * progress);
      if (kind === 'flatline') {
        if (Number.isNaN(frozen)) frozen = v;
        v = frozen;
      }
    }
    values[m] = Math.max(0, v);
  }
  const rows: SeriesRow[] = [];
  const times: number[] = [];
  for (let m = 0; m + stepMinutes <= total; m += stepMinutes) {
    let sum = 0;
    for (let k = m; k < m + stepMinutes; k++) sum += values[k];
    const timeMs = START_MS + m * MINUTE_MS;
    const rawTime = new Date(timeMs).toISOString();
    rows.push({ key: SINGLE_SERIES, group: SINGLE_SERIES, file: `${background}/${kind}`, line: rows.length + 2, rawTime, timeMs, values: [sum / stepMinutes] });
    times.push(timeMs);
  }
  const at = START_MS + start * MINUTE_MS;
  // From the row whose step holds the onset (stamped at its start, before the onset's minute).
  const from = START_MS + (start - (start % stepMinutes)) * MINUTE_MS;
  const windows: Array<[number, number]> = kind === 'none' ? [] : [[from, from + WINDOW_SHARE * total * MINUTE_MS]];
  const anomaly = kind === 'none' ? null : { fromMs: at, toMs: at + minutes * MINUTE_MS };
  return { name: `${background}/${kind}`, kind, background, input: { metrics: ['value'], rows, multi: false }, times, anomaly, windows };
}

/** Every kind on every background, for one seed and step. */
export function generateShapes(seed: number, stepMinutes: number): ShapeSeries[] {
  return BACKGROUNDS.flatMap((b) => SHAPE_KINDS.map((k) => generateShape(seed, k, b, stepMinutes)));
}
