/**
 * How closely two forests agree, point by point: the statistics behind
 * `npm run bench:forest`. Two forests with different score definitions (ours
 * is collusive displacement, AWS's the depth-weighted anomaly score) can only
 * be compared by order and by what they single out, so these are rank and
 * set measures, plus Pearson for the linear part.
 */

export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length || a.length < 2) throw new Error(`pearson needs two series of the same length ≥ 2, got ${a.length} and ${b.length}`);
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i] / n;
    mb += b[i] / n;
  }
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : Number.NaN;
}

/** Ranks 1..n, ties sharing their average rank (our scores are mass ratios, so exact ties are common). */
export function ranks(values: ArrayLike<number>): Float64Array {
  const order = Array.from({ length: values.length }, (_, i) => i).sort((x, y) => values[x] - values[y]);
  const out = new Float64Array(values.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && values[order[j + 1]] === values[order[i]]) j++;
    for (let k = i; k <= j; k++) out[order[k]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return out;
}

export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return pearson(ranks(a), ranks(b));
}

/** Indices of the `count` highest values (ties broken by index, so the set is deterministic). */
export function topIndices(values: ArrayLike<number>, count: number): Set<number> {
  const order = Array.from({ length: values.length }, (_, i) => i).sort((x, y) => values[y] - values[x] || x - y);
  return new Set(order.slice(0, count));
}

/** Share of one forest's top `fraction` of points that are also in the other's. */
export function topAgreement(a: ArrayLike<number>, b: ArrayLike<number>, fraction: number): number {
  const count = Math.max(1, Math.round(a.length * fraction));
  const ta = topIndices(a, count);
  let both = 0;
  for (const i of topIndices(b, count)) if (ta.has(i)) both++;
  return both / count;
}

/** The dimension carrying the most attribution, either direction. */
export function argmaxDimension(high: ArrayLike<number>, low: ArrayLike<number>): number {
  let best = 0;
  for (let d = 1; d < high.length; d++) if (high[d] + low[d] > high[best] + low[best]) best = d;
  return best;
}

/** Attribution as one vector, high then low: two forests agree when they blame the same dimensions in the same direction. */
export function attributionVector(high: ArrayLike<number>, low: ArrayLike<number>): number[] {
  return [...Array.from(high), ...Array.from(low)];
}

export function mean(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return s / values.length;
}
