/**
 * Stage 1a, time: how a key's samples arrive. Every memory in the detector is
 * a half-life in milliseconds, turned into a per-sample weight from the time
 * that actually elapsed, so one day means one day at any sampling step; the
 * step itself is measured per key and may change.
 */
import { DAY_MS, HOUR_MS, MINUTE_MS } from './defaults';

/** How a sample stands to the key's latest: only in-order samples are learned. */
export type Arrival = 'in-order' | 'late' | 'duplicate';

export function arrivalOf(lastMs: number | undefined, timestampMs: number): Arrival {
  if (lastMs === undefined || timestampMs > lastMs) return 'in-order';
  return timestampMs === lastMs ? 'duplicate' : 'late';
}

/**
 * The weight a new observation gets in an exponential memory of half-life
 * `halfLifeMs` after `elapsedMs`: 1 − 2^(−elapsed/half-life). The elapsed time
 * is capped at one half-life, so a gap makes the memory catch up quickly
 * (weight ½) without throwing everything it knew away.
 */
export function weightAfter(elapsedMs: number, halfLifeMs: number): number {
  return 1 - 2 ** (-Math.min(Math.max(elapsedMs, 0), halfLifeMs) / halfLifeMs);
}

/** An interval within this factor of the step is the step (with jitter); further away, a gap or a burst. */
const STEP_TOLERANCE = 2;
/** This many intervals in a row away from the step mean the step changed (a reconfigured feed). */
const STEP_CHANGE_AFTER = 3;

/** A key's sampling step, measured from its own intervals. */
export interface StepState {
  stepMs: number;
  /** Consecutive intervals that did not fit the step. */
  offStep: number;
}

/**
 * Follows the step through jitter, ignores single gaps and bursts, and adopts
 * a new spacing once it has lasted `STEP_CHANGE_AFTER` intervals.
 */
export function nextStep(state: StepState, intervalMs: number): StepState {
  if (!(intervalMs > 0)) return state;
  if (state.stepMs <= 0) return { stepMs: intervalMs, offStep: 0 };
  const ratio = intervalMs / state.stepMs;
  if (ratio <= STEP_TOLERANCE && ratio >= 1 / STEP_TOLERANCE) return { stepMs: state.stepMs + 0.25 * (intervalMs - state.stepMs), offStep: 0 };
  if (state.offStep + 1 >= STEP_CHANGE_AFTER) return { stepMs: intervalMs, offStep: 0 };
  return { stepMs: state.stepMs, offStep: state.offStep + 1 };
}

/**
 * A key's wall clock: an instant (ms since the epoch, UTC) as the same
 * instant's local date and time, written as if it were UTC. Hours of the day
 * and days of the week are read from it, so a profile follows local days and
 * a daylight-saving change moves nothing.
 */
export type LocalClock = (timestampMs: number) => number;

const QUARTER_HOUR_MS = 15 * MINUTE_MS;

/** The wall clock of an IANA time zone ('UTC': the timestamps as they are). */
export function localClock(timeZone: string): LocalClock {
  if (timeZone === 'UTC') return (t) => t;
  const format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' });
  const offsetAt = (minuteMs: number) => wallClockOf(format, minuteMs) - minuteMs;
  // Samples come in time order, a whole fleet at one timestamp: the last quarter hour's offset is nearly always the one
  // asked for. Offsets change at a quarter hour in almost every zone's rules; a quarter that holds a change elsewhere
  // (Antarctica/Casey's at 16:01 UTC) is read minute by minute.
  let quarter = Number.NaN;
  let offsetMs: number | undefined;
  return (t) => {
    const q = Math.floor(t / QUARTER_HOUR_MS);
    if (q !== quarter) {
      quarter = q;
      const start = offsetAt(q * QUARTER_HOUR_MS);
      offsetMs = start === offsetAt((q + 1) * QUARTER_HOUR_MS - MINUTE_MS) ? start : undefined;
    }
    return t + (offsetMs ?? offsetAt(Math.floor(t / MINUTE_MS) * MINUTE_MS));
  };
}

/** The local date and time `format` shows for `timestampMs` (a whole minute), as ms since the epoch read as UTC. */
function wallClockOf(format: Intl.DateTimeFormat, timestampMs: number): number {
  const part: Record<string, number> = {};
  for (const p of format.formatToParts(timestampMs)) if (p.type !== 'literal') part[p.type] = Number(p.value);
  const wall = new Date(Date.UTC(2000, part.month - 1, part.day, part.hour, part.minute));
  // Date.UTC would read a year below 100 as 19xx.
  wall.setUTCFullYear(part.year);
  return wall.getTime();
}

/** Hour of the day, fractional (0 ≤ h < 24), of a clock reading (UTC, or a LocalClock's). */
export function hourOfDay(timestampMs: number): number {
  return (((timestampMs % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS;
}

/** Day of the week of a clock reading, 0 = Monday … 6 = Sunday (1970-01-01 was a Thursday). */
export function dayOfWeek(timestampMs: number): number {
  const days = Math.floor(timestampMs / DAY_MS);
  return (((days + 3) % 7) + 7) % 7;
}
