/**
 * The score one tree gives a point, read off the path from its leaf to the
 * root after it was inserted: collusive displacement (Guha et al. 2016, §3),
 * how many points its removal would displace, relative to the subtree it
 * hides in. A point in a crowd hides in a large subtree with a sibling no
 * larger; an outlier is cut off alone early, with a large sibling.
 */
import { NONE, type TreeStore } from './tree-store';

export interface Displacement {
  /** Max over ancestors of sibling mass / own subtree mass. */
  score: number;
  /** Per dimension, the score's share from the point sticking out above / below the sibling's box at that ancestor. */
  high: Float64Array;
  low: Float64Array;
}

export function collusiveDisplacement(tree: TreeStore, slot: number): Displacement {
  const D = tree.dimensions;
  const high = new Float64Array(D);
  const low = new Float64Array(D);
  let node = tree.leafOf(slot);
  const p = slot * D;
  let best = 0;
  let bestSibling = NONE;
  while (tree.parent[node] !== NONE) {
    const sibling = tree.sibling(node);
    const ratio = tree.mass[sibling] / tree.mass[node];
    if (ratio > best) {
      best = ratio;
      bestSibling = sibling;
    }
    node = tree.parent[node];
  }
  if (bestSibling !== NONE) {
    // Split the score over the dimensions in proportion to how far the point lies outside the sibling's box in each.
    const min = tree.minArray(bestSibling), max = tree.maxArray(bestSibling), o = tree.boxOffset(bestSibling);
    let total = 0;
    for (let d = 0; d < D; d++) {
      high[d] = Math.max(0, tree.coords[p + d] - max[o + d]);
      low[d] = Math.max(0, min[o + d] - tree.coords[p + d]);
      total += high[d] + low[d];
    }
    for (let d = 0; d < D; d++) {
      high[d] = total > 0 ? (best * high[d]) / total : 0;
      low[d] = total > 0 ? (best * low[d]) / total : 0;
    }
  }
  return { score: best, high, low };
}
