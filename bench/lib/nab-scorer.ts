/**
 * NAB's scoring rules (Lavin & Ahmad 2015; numenta/NAB sweeper), reimplemented:
 * the earliest detection in a window earns up to A_TP, a missed window costs
 * A_FN, each detection outside windows costs A_FP scaled by how long after the
 * previous window it comes, and the first 15 % of a file (≤ 750 rows) is not
 * scored. Normalised to 0 (null detector) .. 100 (perfect) over all files.
 */
export interface Profile {
  tp: number;
  fp: number;
  fn: number;
}

export const PROFILES: Record<'standard' | 'reward_low_FP_rate' | 'reward_low_FN_rate', Profile> = {
  standard: { tp: 1, fp: 0.11, fn: 1 },
  reward_low_FP_rate: { tp: 1, fp: 0.22, fn: 1 },
  reward_low_FN_rate: { tp: 1, fp: 0.11, fn: 2 },
};

/** 2·sigmoid(−5y) − 1, and −1 beyond three window widths. */
export function scaledSigmoid(y: number): number {
  if (y > 3) return -1;
  return 2 / (1 + Math.exp(5 * y)) - 1;
}

const EARLIEST = scaledSigmoid(-1);

export function probationRows(length: number): number {
  return Math.min(Math.floor(0.15 * length), 750);
}

export interface FileScore {
  raw: number;
  windows: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
}

/**
 * Scores one file. `times` are the rows' timestamps (ms), `detections` one
 * boolean per row, `windows` [start, end] in ms (inclusive).
 */
export function scoreFile(times: number[], detections: boolean[], windows: Array<[number, number]>, profile: Profile): FileScore {
  const n = times.length;
  const probation = probationRows(n);
  // Row index ranges of each window, in time order.
  const ranges = windows
    .map(([start, end]) => {
      const first = times.findIndex((t) => t >= start);
      let last = -1;
      for (let i = n - 1; i >= 0; i--) if (times[i] <= end) { last = i; break; }
      return { first, last };
    })
    .filter((r) => r.first >= 0 && r.last >= r.first)
    .sort((a, b) => a.first - b.first);
  const result: FileScore = { raw: 0, windows: ranges.length, truePositives: 0, falsePositives: 0, falseNegatives: 0 };
  const credited = new Set<number>();
  let windowIndex = -1;
  for (let i = 0; i < n; i++) {
    while (windowIndex + 1 < ranges.length && ranges[windowIndex + 1].first <= i) windowIndex++;
    if (!detections[i] || i < probation) continue;
    const w = ranges[windowIndex];
    if (w && i <= w.last) {
      if (credited.has(windowIndex)) continue;
      credited.add(windowIndex);
      const length = w.last - w.first + 1;
      // NAB: the first row of a window sits at -1, the last just left of 0.
      const position = -(w.last - i + 1) / length;
      result.raw += (profile.tp * scaledSigmoid(position)) / EARLIEST;
      result.truePositives++;
    } else {
      const past = w ? (i - w.last) / (w.last - w.first + 1) : Number.POSITIVE_INFINITY;
      result.raw += profile.fp * scaledSigmoid(past);
      result.falsePositives++;
    }
  }
  result.falseNegatives = ranges.length - credited.size;
  result.raw -= profile.fn * result.falseNegatives;
  return result;
}

/** 100 × (raw − null) / (perfect − null), summed over files. */
export function normalizedScore(files: FileScore[], profile: Profile): number {
  const raw = files.reduce((s, f) => s + f.raw, 0);
  const windows = files.reduce((s, f) => s + f.windows, 0);
  const nullScore = -profile.fn * windows;
  const perfect = profile.tp * windows;
  return (100 * (raw - nullScore)) / (perfect - nullScore);
}
