/**
 * Stage 4b, episodes: which unusual samples are news. One incident is one
 * alarm: an episode lasts while its metric keeps the key unusual and
 * `episodeMs` beyond, so a level that moved and is being learned, or an
 * outage that lasts three hours, is raised once, not once an hour. Episodes
 * are per metric (the verdict's leading one): another metric's departure
 * within one metric's stretch is raised on its own. And an incident that
 * grows is news once more: a leak or a runaway that, an episode after it was
 * raised, stands half again as far beyond its threshold as then is raised
 * again, with its new severity — once per episode, so nothing that keeps
 * growing scales out every hour. The price: an incident whose evidence was
 * still rising when it was raised (an onset that ramps over half an hour)
 * can get that second alarm on a steady plateau.
 */
import type { DetectorOptions } from './defaults';
import type { BinaryReader, ByteSink } from './codec';

/**
 * Whether a sample `elapsedMs` after an episode's last unusual sample still
 * belongs to it: up to `episodeMs` after, inclusive, so at hourly steps the
 * next sample does too (an hour's episode would otherwise cover no sample).
 */
export function withinEpisode(elapsedMs: number, o: DetectorOptions): boolean {
  return elapsedMs <= o.episodeMs;
}

/** The input dimension with the largest attribution, up and down together: what a verdict is mostly about. */
export function leadingMetric(attribution: { high: number[]; low: number[] }): number {
  let lead = 0;
  for (let d = 1; d < attribution.high.length; d++) {
    if (attribution.high[d] + attribution.low[d] > attribution.high[lead] + attribution.low[lead]) lead = d;
  }
  return lead;
}

/**
 * How much further beyond its threshold (score ÷ threshold) an incident must
 * have grown to be raised again: half again, the policy's step from a
 * warning to a critical (`criticalScoreRatio`, src/core/policy.ts).
 */
const GROWTH = 1.5;

export class Episodes {
  /** Per metric: its episode's last unusual sample; when it was last raised, and how far beyond its threshold then. */
  private readonly lastUnusualMs: Float64Array;
  private readonly raisedAtMs: Float64Array;
  private readonly raisedRatio: Float64Array;

  constructor(readonly dims: number) {
    this.lastUnusualMs = new Float64Array(dims).fill(Number.NEGATIVE_INFINITY);
    this.raisedAtMs = new Float64Array(dims).fill(Number.NEGATIVE_INFINITY);
    this.raisedRatio = new Float64Array(dims);
  }

  /**
   * Whether a sample led by metric `lead`, `ratio` beyond its threshold at
   * `timestampMs`, is news: unusual, and outside that metric's episode or
   * grown half again since it was raised (once an episode). With `keep` (an
   * in-order sample) the verdict is kept: an unusual one carries the episode on.
   */
  news(lead: number, timestampMs: number, unusual: boolean, ratio: number, keep: boolean, o: DetectorOptions): boolean {
    const within = withinEpisode(timestampMs - this.lastUnusualMs[lead], o);
    const raised = unusual && (!within || (timestampMs - this.raisedAtMs[lead] >= o.episodeMs && ratio >= GROWTH * this.raisedRatio[lead]));
    if (keep && unusual) {
      this.lastUnusualMs[lead] = timestampMs;
      if (raised) {
        this.raisedAtMs[lead] = timestampMs;
        // A raise within the episode was its one escalation.
        this.raisedRatio[lead] = within ? Number.POSITIVE_INFINITY : ratio;
      }
    }
    return raised;
  }

  write(w: ByteSink): void {
    for (const a of [this.lastUnusualMs, this.raisedAtMs, this.raisedRatio]) for (const x of a) w.f64(x);
  }

  read(r: BinaryReader): void {
    for (const a of [this.lastUnusualMs, this.raisedAtMs, this.raisedRatio]) for (let d = 0; d < this.dims; d++) a[d] = r.f64();
  }
}
