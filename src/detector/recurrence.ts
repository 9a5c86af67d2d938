/**
 * Stage 3c, evidence that recurs at an hour of the day. The calibration
 * (calibration.ts) knows how strong the key's evidence usually is, not when:
 * a nightly job's start, a cron's one-sample spike at 03:10, a backup's burst
 * make evidence the forest never learns (its sample rarely keeps a point that
 * comes once a day), so they alarm night after night. Here each hour of the
 * UTC day keeps the strongest evidence of each of the last days; what the
 * hour reached on most of the last three days is what that hour does, and
 * the calibration moves its expectation there for that hour (`excess`).
 *
 * Three days and "most" (the median): one incident at an hour never makes
 * that hour ordinary, however strong it was; the same thing at the same hour
 * on two of three days does. Today's peak is kept apart, so an incident in
 * progress never explains itself.
 */
import { DAY_MS } from './defaults';
import type { Slab } from './slab';
import { hourOfDay } from './time';

const HOURS = 24;
/** The days judged (the last three) and today's, being written. */
const DAYS_JUDGED = 3;
const SLOTS = DAYS_JUDGED + 1;
/** A slot's day is stored as day number + 1 (0 = never written), in 16 bits: day numbers since 1970 fit until 2149. */
const DAY_TAG_MASK = 0xffff;

export class DailyPeaks {
  /** Per hour and slot: the strongest log-evidence of that hour on the slot's day. */
  private readonly peak: Float32Array;
  /** Per hour and slot: which day the slot holds. */
  private readonly day: Uint16Array;

  /** 576 bytes a key. */
  constructor(slab: Slab) {
    this.peak = slab.f32(HOURS * SLOTS);
    this.day = slab.u16(HOURS * SLOTS);
  }

  /** Keeps `logEvidence` as this hour's peak of today if it is the strongest so far. */
  learn(logEvidence: number, timestampMs: number): void {
    const day = Math.floor(timestampMs / DAY_MS);
    const i = slotOf(timestampMs, day);
    const tag = tagOf(day);
    if (this.day[i] !== tag) {
      this.day[i] = tag;
      this.peak[i] = logEvidence;
    } else if (logEvidence > this.peak[i]) this.peak[i] = logEvidence;
  }

  /**
   * What this hour reached on most of the last three days: the median of
   * their peaks, a day without samples at this hour counting as reaching
   * nothing. Undefined when fewer than two of the three days reached anything.
   */
  recurring(timestampMs: number): number | undefined {
    const today = Math.floor(timestampMs / DAY_MS);
    const peaks: number[] = [];
    for (let back = 1; back <= DAYS_JUDGED; back++) {
      const i = slotOf(timestampMs, today - back);
      if (this.day[i] === tagOf(today - back)) peaks.push(this.peak[i]);
    }
    if (peaks.length < 2) return undefined;
    peaks.sort((a, b) => b - a);
    return peaks[1];
  }
}

function tagOf(day: number): number {
  return (day + 1) & DAY_TAG_MASK;
}

/** The slot of `timestampMs`'s hour on `day` (each day has its slot, in turn). */
function slotOf(timestampMs: number, day: number): number {
  return Math.floor(hourOfDay(timestampMs)) * SLOTS + (((day % SLOTS) + SLOTS) % SLOTS);
}
