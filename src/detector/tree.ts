/**
 * One random cut tree (Guha et al., "Robust Random Cut Forest Based Anomaly
 * Detection on Streams", ICML 2016). Points are inserted and deleted in
 * O(depth); bounding boxes are kept on internal nodes so a new point can pick
 * a cut over the box it would extend (a leaf's box is its point). This file
 * holds the two changes a stream makes to a tree, insert and delete; the
 * arrays they work on are in tree-store.ts, the scoring walk in
 * displacement.ts, the state format in tree-codec.ts.
 */
import type { BinaryReader, ByteSink } from './codec';
import { collusiveDisplacement, type Displacement } from './displacement';
import type { SeededRandom } from './random';
import { readTreeInto, writeTree } from './tree-codec';
import { verifyTree } from './tree-invariants';
import { NONE, TreeStore } from './tree-store';

export class RandomCutTree {
  private readonly store: TreeStore;

  /** `nodeCapacity`: nodes to reserve; a tree of n points has at most 2n - 1 (+2 while inserting). Grows when exceeded. */
  constructor(
    readonly dimensions: number,
    nodeCapacity = 16,
  ) {
    this.store = new TreeStore(dimensions, nodeCapacity);
  }

  get size(): number {
    return this.store.size;
  }

  /**
   * Inserts a point and returns its slot (pass it to `delete`). Duplicates of a
   * point already in the tree raise that leaf's mass.
   */
  insert(point: Float32Array, rng: SeededRandom): number {
    const s = this.store;
    const slot = s.allocSlot(point);
    if (s.root === NONE) {
      s.root = s.newLeaf(slot);
      return slot;
    }
    const D = this.dimensions;
    let node = s.root;
    for (;;) {
      const min = s.minArray(node);
      const max = s.maxArray(node);
      const o = s.boxOffset(node);
      let total = 0;
      for (let d = 0; d < D; d++) total += Math.max(max[o + d], point[d]) - Math.min(min[o + d], point[d]);
      if (total === 0) {
        // The same coordinates are already here: one more copy of that leaf
        // (its ancestors were already counted on the way down).
        s.slotLeaf[slot] = node;
        s.mass[node]++;
        return slot;
      }
      // Rounding must not push the draw past the last dimension with a nonzero range.
      let x = Math.min(rng.next() * total, total * (1 - 1e-12));
      let dim = 0;
      let lo = 0;
      for (; dim < D; dim++) {
        lo = Math.min(min[o + dim], point[dim]);
        const range = Math.max(max[o + dim], point[dim]) - lo;
        if (x < range) break;
        x -= range;
      }
      const cut = lo + x;
      const separatesBelow = point[dim] <= cut && cut < min[o + dim];
      const separatesAbove = max[o + dim] <= cut && cut < point[dim];
      if (separatesBelow || separatesAbove) {
        this.splitAbove(node, slot, point, dim, cut, separatesBelow);
        return slot;
      }
      // The cut falls inside this box, so this is an internal node: the point joins its subtree.
      s.mass[node]++;
      for (let d = 0; d < D; d++) {
        if (point[d] < min[o + d]) min[o + d] = point[d];
        if (point[d] > max[o + d]) max[o + d] = point[d];
      }
      node = point[s.cutDim[node]] <= s.cutValue[node] ? s.left[node] : s.right[node];
    }
  }

  /** Puts a new internal node between `node` and its parent, with the new leaf on `pointLeft`'s side. */
  private splitAbove(node: number, slot: number, point: Float32Array, dim: number, cut: number, pointLeft: boolean): void {
    const s = this.store;
    const parent = s.parent[node];
    const leaf = s.newLeaf(slot);
    const inner = s.allocNode(true);
    s.cutDim[inner] = dim;
    s.cutValue[inner] = cut;
    s.left[inner] = pointLeft ? leaf : node;
    s.right[inner] = pointLeft ? node : leaf;
    s.parent[leaf] = inner;
    s.parent[node] = inner;
    s.parent[inner] = parent;
    s.mass[inner] = s.mass[node] + 1;
    const oi = s.boxRow[inner] * this.dimensions;
    const min = s.minArray(node), max = s.maxArray(node), on = s.boxOffset(node);
    for (let d = 0; d < this.dimensions; d++) {
      s.boxMin[oi + d] = Math.min(min[on + d], point[d]);
      s.boxMax[oi + d] = Math.max(max[on + d], point[d]);
    }
    if (parent === NONE) s.root = inner;
    else if (s.left[parent] === node) s.left[parent] = inner;
    else s.right[parent] = inner;
  }

  /** Removes the point in `slot`, shrinking bounding boxes on the way up. */
  delete(slot: number): void {
    const s = this.store;
    const leaf = s.leafOf(slot);
    s.releaseSlot(slot);
    if (s.mass[leaf] > 1) {
      // A duplicate goes: the leaf stays, lighter. Keep it pointing at a live slot (same coordinates).
      if (s.leafSlot[leaf] === slot) s.leafSlot[leaf] = s.slotLeaf.findIndex((l, i) => l === leaf && i !== slot);
      for (let n = leaf; n !== NONE; n = s.parent[n]) s.mass[n]--;
      return;
    }
    const parent = s.parent[leaf];
    const sibling = parent === NONE ? NONE : s.sibling(leaf);
    s.releaseNode(leaf);
    if (parent === NONE) {
      s.root = NONE;
      return;
    }
    const grand = s.parent[parent];
    s.parent[sibling] = grand;
    s.releaseNode(parent);
    if (grand === NONE) {
      s.root = sibling;
      return;
    }
    if (s.left[grand] === parent) s.left[grand] = sibling;
    else s.right[grand] = sibling;
    for (let n = grand; n !== NONE; n = s.parent[n]) {
      s.mass[n]--;
      s.unionChildren(n);
    }
  }

  /** The point in `slot`'s collusive displacement and its attribution (displacement.ts). */
  displacement(slot: number): Displacement {
    return collusiveDisplacement(this.store, slot);
  }

  /** Writes the tree in the state format (tree-codec.ts); `writeSlot` adds each slot's extra data. */
  write(w: ByteSink, writeSlot: (slot: number) => void): void {
    writeTree(this.store, w, writeSlot);
  }

  /** Reads a tree written by `write`; `readSlot` receives each new slot id in order. */
  static read(r: BinaryReader, dimensions: number, nodeCapacity: number, readSlot: (slot: number) => void): RandomCutTree {
    const tree = new RandomCutTree(dimensions, nodeCapacity);
    readTreeInto(tree.store, r, readSlot);
    return tree;
  }

  /** Checks the tree's invariants (masses, boxes, cuts, slots); used by tests. */
  verify(): void {
    verifyTree(this.store);
  }
}
