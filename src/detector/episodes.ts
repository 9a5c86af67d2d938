/**
 * Stage 4b, episodes: which unusual samples are news. One incident is one
 * alarm: an episode lasts while its metric keeps the key unusual and
 * `episodeMs` beyond, so a level that moved and is being learned, or an
 * outage that lasts three hours, is raised once, not once an hour. Episodes
 * are per metric (the verdict's leading one): another metric's departure
 * within one metric's stretch is raised on its own. The price: an incident
 * that grows on the same metric is not raised again while it lasts (its
 * severity is its first alarm's); it stays open, as `unusual`, until it calms.
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

export class Episodes {
  /** Per metric: the last unusual sample it led, the end of its current (or last) episode. */
  private readonly lastUnusualMs: Float64Array;

  constructor(readonly dims: number) {
    this.lastUnusualMs = new Float64Array(dims).fill(Number.NEGATIVE_INFINITY);
  }

  /** Whether an unusual sample led by metric `lead` at `timestampMs` is news: outside that metric's episode. */
  raises(lead: number, timestampMs: number, o: DetectorOptions): boolean {
    return !withinEpisode(timestampMs - this.lastUnusualMs[lead], o);
  }

  /** Keeps an in-order sample's verdict: an unusual one carries its metric's episode on. */
  record(lead: number, timestampMs: number, unusual: boolean): void {
    if (unusual) this.lastUnusualMs[lead] = timestampMs;
  }

  write(w: ByteSink): void {
    for (const ms of this.lastUnusualMs) w.f64(ms);
  }

  read(r: BinaryReader): void {
    for (let d = 0; d < this.dims; d++) this.lastUnusualMs[d] = r.f64();
  }
}
