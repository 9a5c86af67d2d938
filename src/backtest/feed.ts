/**
 * Feeds series to the detector as the Lambda would see them: in time order,
 * every container's sample of one timestamp in one `updateBatch` (so peers are
 * compared), each row seeing only what came before it. A duplicate or late
 * row is scored from what the detector knows when it arrives, on a copy that
 * is then dropped, so it is judged but never learned twice or out of order;
 * an exact re-send of a row keeps that row's verdict.
 */
import { FleetDetector, type Detection, type DetectorInput } from '../detector';
import { classifyArrivals, type RowKind, type SeriesIrregularities } from './irregularities';

export interface FeedRow {
  key: string;
  group: string;
  timeMs: number;
  values: number[];
}

export interface FedRow {
  detection: Detection;
  kind: RowKind;
}

export interface FeedResult {
  /** One per input row, in input order. */
  rows: FedRow[];
  series: SeriesIrregularities[];
}

const sameValues = (a: number[], b: number[]) => a.length === b.length && a.every((x, k) => x === b[k]);

/** Scores `rows` (in arrival order) with `detector`, which learns from every in-order row. */
export function feed(rows: readonly FeedRow[], detector: FleetDetector): FeedResult {
  const { kinds, series } = classifyArrivals(rows);
  // Each out-of-order row is scored right after the cycle of its series' latest in-order row before it.
  const after = new Map<number, number[]>();
  const latestInOrder = new Map<string, number>();
  /** The first row of each key and timestamp, which a duplicate repeats. */
  const firstAt = new Map<string, number>();
  rows.forEach((r, i) => {
    if (kinds[i] !== 'duplicate') firstAt.set(`${r.key}@${r.timeMs}`, i);
    if (kinds[i] === 'in-order') {
      latestInOrder.set(r.key, i);
      return;
    }
    // A series' first row is always in order, so every later row has an anchor.
    const anchor = latestInOrder.get(r.key)!;
    const waiting = after.get(anchor);
    if (waiting) waiting.push(i);
    else after.set(anchor, [i]);
  });
  const ordered = rows.map((_, i) => i).filter((i) => kinds[i] === 'in-order');
  ordered.sort((a, b) => rows[a].timeMs - rows[b].timeMs || a - b);

  const detections = new Array<Detection>(rows.length);
  const asInput = (r: FeedRow): DetectorInput => ({ key: r.key, group: r.group, timestampMs: r.timeMs, values: r.values });
  for (let start = 0; start < ordered.length; ) {
    let end = start + 1;
    while (end < ordered.length && rows[ordered[end]].timeMs === rows[ordered[start]].timeMs) end++;
    const cycle = ordered.slice(start, end);
    detector.updateBatch(cycle.map((i) => asInput(rows[i]))).forEach((d, k) => (detections[cycle[k]] = d));
    for (const i of cycle) {
      for (const j of after.get(i) ?? []) {
        const r = rows[j];
        const original = firstAt.get(`${r.key}@${r.timeMs}`)!;
        // An exact re-send was already judged: its verdict stands (and copying the state, ~50 ms for a fleet, is saved).
        const resent = kinds[j] === 'duplicate' && sameValues(rows[original].values, r.values);
        detections[j] = resent ? detections[original] : FleetDetector.deserialize(detector.serialize()).update(r.key, r.group, r.timeMs, r.values);
      }
    }
    start = end;
  }
  return { rows: detections.map((detection, i) => ({ detection, kind: kinds[i] })), series };
}
