/**
 * Stage 3c, evidence that recurs at an hour of the day. The calibration
 * (calibration.ts) knows how strong the key's evidence usually is, not when:
 * a nightly job's start, a cron's one-sample spike at 03:10, a backup's burst
 * make evidence the forest never learns (its sample rarely keeps a point that
 * comes once a day), so they alarm night after night. Here each hour of the
 * key's local day (`timeZone`) keeps the strongest evidence of each of the
 * last days; what the hour reached on most of the last three days, beyond what the key's hours
 * ordinarily reach, is what that hour does, and the calibration expects it
 * there (`excess`).
 *
 * Three days and "most" (the median): one incident at an hour never makes
 * that hour ordinary, however strong it was; the same thing at the same hour
 * on two of three days does. Today's peak is kept apart, so an incident in
 * progress never explains itself. Hours are UTC: a job on local time moves
 * an hour at a daylight-saving change and is news for two nights.
 */
import { DAY_MS } from './defaults';
import { HOURS } from './seasonality';
import type { Slab } from './slab';
import { hourOfDay } from './time';

/** The days judged (the last three) and today's, being written. */
const DAYS_JUDGED = 3;
const SLOTS = DAYS_JUDGED + 1;
/** A slot's day is stored as day number + 1 (0 = never written), in 16 bits: day numbers since 1970 fit until 2149. */
const DAY_TAG_MASK = 0xffff;

/**
 * An hour's recurring peak counts beyond what nine in ten of the key's hour
 * peaks of those days reach: the median of three ordinary peaks passes that
 * level 2.8% of the time, so noise rarely makes an hour forgiving, at any
 * step (the peaks are the key's own, however correlated its samples are).
 */
const ORDINARY_PEAK_QUANTILE = 0.9;
/** Fewer hour peaks than a day's are no measure of what an ordinary hour reaches. */
const MIN_PEAKS = 24;

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

  /** Keeps `logEvidence` as this hour's peak of today (`localMs`: the key's wall clock, LocalClock) if it is the strongest so far (the caller caps an unusual sample's). */
  learn(logEvidence: number, localMs: number): void {
    const day = Math.floor(localMs / DAY_MS);
    const i = Math.floor(hourOfDay(localMs)) * SLOTS + slotOfDay(day);
    const tag = tagOf(day);
    if (this.day[i] !== tag) {
      this.day[i] = tag;
      this.peak[i] = logEvidence;
    } else if (logEvidence > this.peak[i]) this.peak[i] = logEvidence;
  }

  /**
   * How far (in log-evidence) what this hour reached on most of the last
   * three days stands above what nine in ten of those days' hours reached:
   * 0 where nothing recurs, or fewer than two of the three days reached
   * anything at this hour (a day without samples there counts as nothing).
   */
  excess(localMs: number): number {
    const today = Math.floor(localMs / DAY_MS);
    const hour = Math.floor(hourOfDay(localMs));
    const atHour: number[] = [];
    const all: number[] = [];
    for (let back = 1; back <= DAYS_JUDGED; back++) {
      const day = today - back;
      for (let h = 0; h < HOURS; h++) {
        const i = h * SLOTS + slotOfDay(day);
        if (this.day[i] !== tagOf(day)) continue;
        all.push(this.peak[i]);
        if (h === hour) atHour.push(this.peak[i]);
      }
    }
    if (atHour.length < 2 || all.length < MIN_PEAKS) return 0;
    atHour.sort((a, b) => b - a);
    all.sort((a, b) => a - b);
    const ordinary = all[Math.floor(ORDINARY_PEAK_QUANTILE * (all.length - 1))];
    return Math.max(0, atHour[1] - ordinary);
  }
}

function tagOf(day: number): number {
  return (day + 1) & DAY_TAG_MASK;
}

/** Each day has its slot, in turn. */
function slotOfDay(day: number): number {
  return ((day % SLOTS) + SLOTS) % SLOTS;
}
