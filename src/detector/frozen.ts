/**
 * Each metric's runs of one repeated value: a feed that freezes (a stuck
 * exporter, a hung process reporting its last reading, a gauge forward-filled
 * upstream) keeps its level, so neither its residuals nor its tail of values
 * see it; what is unusual is that the value no longer changes. Repeats are
 * not independent — a disk that idles at zero stays at zero for hours — so the
 * key learns two rates, as a two-state Markov chain: how often a sample starts
 * a repeat (after one that changed) and how often a repeat goes on (after one
 * that repeated), each from decayed counts over the calibration window with
 * Laplace's rule of succession (a metric that never repeated still has a rate
 * above zero, a run never seen to go on has an even chance). A run of r
 * repeats has the chance start · goOn^(r−1).
 *
 * Runs of one metric are not all alike (short ties by day, a six-hour idle at
 * night): one rate fitted to both calls the usual night impossible. So a run
 * goes on at least as readily as the longest run of the window did, L repeats
 * ending once (Laplace again: L / (L + 1)); a run far beyond every run seen is
 * still improbable. And a run is judged only where it began once the metric's
 * runs had been learned for a warm-up: a metric that has sat at zero since the
 * key's first sample (a task that never writes to disk), or since a restore
 * from a state that kept no runs, has shown no run that ended.
 */
import type { Slab } from './slab';

const LAST = 0;
const RUN = 1;
/** Decayed counts: repeats after a change, samples after a change, repeats after a repeat, samples after a repeat. */
const STARTS = 2;
const AFTER_CHANGE = 3;
const GOES_ON = 4;
const AFTER_REPEAT = 5;
/** The longest run that ended within the window (in repeats, decayed as the counts are). */
const LONGEST = 6;
/** When this metric's runs started being learned, and when its current value first appeared. */
const SINCE = 7;
const RUN_FROM = 8;
const FIELDS = 9;
/** The fields that fade with the calibration window. */
const DECAYED = [STARTS, AFTER_CHANGE, GOES_ON, AFTER_REPEAT, LONGEST];

export class FrozenRuns {
  /** Per metric, its FIELDS; the key's slab carves it as one array. */
  readonly state: Float64Array;

  constructor(
    private readonly dims: number,
    slab: Slab,
  ) {
    this.state = slab.f64(FIELDS * dims);
    this.clearRuns();
  }

  /** Whether `value` repeats metric `d`'s previous one exactly, in a run begun a warm-up after its runs were first learned. */
  judges(d: number, value: number, warmupMs: number): boolean {
    const at = d * FIELDS;
    return value === this.state[at + LAST] && this.state[at + RUN_FROM] - this.state[at + SINCE] >= warmupMs;
  }

  /** P(a run this long) for metric `d`, whose value repeats the previous one (see `judges`). */
  probability(d: number): number {
    const s = this.state;
    const at = d * FIELDS;
    const start = (s[at + STARTS] + 1) / (s[at + AFTER_CHANGE] + 2);
    const longest = s[at + LONGEST];
    const goOn = Math.max((s[at + GOES_ON] + 1) / (s[at + AFTER_REPEAT] + 2), longest / (longest + 1));
    return start * goOn ** s[at + RUN];
  }

  /**
   * Learns an in-order sample; `weight` is the calibration window's weight
   * for it. A run is learned when it ends, as a whole: learned while it goes
   * on, a freeze would teach the key that its runs go on.
   */
  learn(values: readonly number[], timestampMs: number, weight: number): void {
    const s = this.state;
    for (let d = 0; d < this.dims; d++) {
      const at = d * FIELDS;
      const repeated = values[d] === s[at + LAST];
      for (const k of DECAYED) s[at + k] *= 1 - weight;
      const run = s[at + RUN];
      if (run === 0 && !repeated && !Number.isNaN(s[at + LAST])) s[at + AFTER_CHANGE] += 1;
      else if (run > 0 && !repeated) {
        // A run of `run` repeats: it started after a change, went on run − 1 times and then stopped.
        s[at + STARTS] += 1;
        s[at + AFTER_CHANGE] += 1;
        s[at + GOES_ON] += run - 1;
        s[at + AFTER_REPEAT] += run;
        s[at + LONGEST] = Math.max(s[at + LONGEST], run);
      }
      if (Number.isNaN(s[at + SINCE])) s[at + SINCE] = timestampMs;
      if (!repeated) s[at + RUN_FROM] = timestampMs;
      s[at + RUN] = repeated ? run + 1 : 0;
      s[at + LAST] = values[d];
    }
  }

  /**
   * Forgets the runs and when they started being learned, keeping the rates: a
   * key seeded from a sibling keeps the sibling's repeat rates, not its last
   * values, and judges its own runs after a warm-up of its own.
   */
  clearRuns(): void {
    for (let d = 0; d < this.dims; d++) {
      const at = d * FIELDS;
      this.state[at + LAST] = Number.NaN;
      this.state[at + RUN] = 0;
      this.state[at + SINCE] = Number.NaN;
      this.state[at + RUN_FROM] = Number.NaN;
    }
  }
}
