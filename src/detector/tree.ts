/**
 * One random cut tree (Guha et al., "Robust Random Cut Forest Based Anomaly
 * Detection on Streams", ICML 2016). Points are inserted and deleted in
 * O(depth); bounding boxes are kept on every node so a new point can pick a
 * cut over the box it would extend. Nodes live in flat arrays with a free
 * list, so the tree serializes to a few typed arrays.
 */
import type { SeededRandom } from './random';
import type { BinaryReader, BinaryWriter } from './codec';

const NONE = -1;

export class RandomCutTree {
  root = NONE;
  // Per node; a leaf has leafSlot ≥ 0 and no children.
  left: number[] = [];
  right: number[] = [];
  parent: number[] = [];
  cutDim: number[] = [];
  cutValue: number[] = [];
  mass: number[] = [];
  leafSlot: number[] = [];
  /**
   * Bounding boxes of all nodes in two flat arrays (node * dimensions + d).
   * Float32 is exact: every coordinate is a float32 point's.
   */
  boxMin: Float32Array;
  boxMax: Float32Array;
  private free: number[] = [];
  /** Point coordinates by slot; a slot is one sampled point (duplicates share a leaf, not a slot). */
  points: Array<Float32Array | undefined> = [];
  private freeSlots: number[] = [];
  /** Slot → leaf holding it. */
  slotLeaf: number[] = [];

  /** `nodeCapacity`: nodes to reserve boxes for; a tree of n points has at most 2n - 1 (+2 while inserting). */
  constructor(
    readonly dimensions: number,
    nodeCapacity = 16,
  ) {
    this.boxMin = new Float32Array(dimensions * nodeCapacity);
    this.boxMax = new Float32Array(dimensions * nodeCapacity);
  }

  private ensureBoxCapacity(node: number): void {
    const needed = (node + 1) * this.dimensions;
    if (needed <= this.boxMin.length) return;
    const size = Math.max(needed, Math.ceil(this.boxMin.length * 1.5 / this.dimensions) * this.dimensions);
    const min = new Float32Array(size);
    const max = new Float32Array(size);
    min.set(this.boxMin);
    max.set(this.boxMax);
    this.boxMin = min;
    this.boxMax = max;
  }

  get size(): number {
    return this.root === NONE ? 0 : this.mass[this.root];
  }

  private allocNode(): number {
    const id = this.free.pop() ?? this.left.length;
    this.left[id] = NONE;
    this.right[id] = NONE;
    this.parent[id] = NONE;
    this.cutDim[id] = NONE;
    this.cutValue[id] = 0;
    this.mass[id] = 0;
    this.leafSlot[id] = NONE;
    this.ensureBoxCapacity(id);
    return id;
  }

  private releaseNode(id: number): void {
    this.free.push(id);
    this.leafSlot[id] = NONE;
  }

  /** Sets a node's box to the union of its children's. */
  private unionChildren(n: number): void {
    const D = this.dimensions;
    const o = n * D;
    const l = this.left[n] * D;
    const r = this.right[n] * D;
    for (let d = 0; d < D; d++) {
      this.boxMin[o + d] = Math.min(this.boxMin[l + d], this.boxMin[r + d]);
      this.boxMax[o + d] = Math.max(this.boxMax[l + d], this.boxMax[r + d]);
    }
  }

  isLeaf(node: number): boolean {
    return this.leafSlot[node] !== NONE;
  }

  private newLeaf(slot: number, point: Float32Array): number {
    const id = this.allocNode();
    this.leafSlot[id] = slot;
    this.mass[id] = 1;
    this.boxMin.set(point, id * this.dimensions);
    this.boxMax.set(point, id * this.dimensions);
    this.slotLeaf[slot] = id;
    return id;
  }

  /**
   * Inserts a point and returns its slot (pass it to `delete`). Duplicates of a
   * point already in the tree raise that leaf's mass.
   */
  insert(point: Float32Array, rng: SeededRandom): number {
    const slot = this.freeSlots.pop() ?? this.points.length;
    this.points[slot] = point;
    if (this.root === NONE) {
      this.root = this.newLeaf(slot, point);
      return slot;
    }
    let node = this.root;
    for (;;) {
      const o = node * this.dimensions;
      const min = this.boxMin;
      const max = this.boxMax;
      let total = 0;
      for (let d = 0; d < this.dimensions; d++) total += Math.max(max[o + d], point[d]) - Math.min(min[o + d], point[d]);
      if (total === 0) {
        // The same coordinates are already here: one more copy of that leaf
        // (its ancestors were already counted on the way down).
        this.slotLeaf[slot] = node;
        this.mass[node]++;
        return slot;
      }
      // Rounding must not push the draw past the last dimension with a nonzero range.
      let x = Math.min(rng.next() * total, total * (1 - 1e-12));
      let dim = 0;
      let lo = 0;
      for (; dim < this.dimensions; dim++) {
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
      // The cut falls inside this box: the point joins this subtree.
      this.mass[node]++;
      for (let d = 0; d < this.dimensions; d++) {
        if (point[d] < min[o + d]) min[o + d] = point[d];
        if (point[d] > max[o + d]) max[o + d] = point[d];
      }
      node = point[this.cutDim[node]] <= this.cutValue[node] ? this.left[node] : this.right[node];
    }
  }

  /** Puts a new internal node between `node` and its parent, with the new leaf on `pointLeft`'s side. */
  private splitAbove(node: number, slot: number, point: Float32Array, dim: number, cut: number, pointLeft: boolean): void {
    const parent = this.parent[node];
    const leaf = this.newLeaf(slot, point);
    const inner = this.allocNode();
    this.cutDim[inner] = dim;
    this.cutValue[inner] = cut;
    this.left[inner] = pointLeft ? leaf : node;
    this.right[inner] = pointLeft ? node : leaf;
    this.parent[leaf] = inner;
    this.parent[node] = inner;
    this.parent[inner] = parent;
    this.mass[inner] = this.mass[node] + 1;
    const oi = inner * this.dimensions;
    const on = node * this.dimensions;
    for (let d = 0; d < this.dimensions; d++) {
      this.boxMin[oi + d] = Math.min(this.boxMin[on + d], point[d]);
      this.boxMax[oi + d] = Math.max(this.boxMax[on + d], point[d]);
    }
    if (parent === NONE) this.root = inner;
    else if (this.left[parent] === node) this.left[parent] = inner;
    else this.right[parent] = inner;
  }

  /** Removes the point in `slot`, shrinking bounding boxes on the way up. */
  delete(slot: number): void {
    const leaf = this.slotLeaf[slot];
    if (leaf === undefined || leaf === NONE) throw new Error(`random cut tree: slot ${slot} is not in the tree`);
    this.points[slot] = undefined;
    this.slotLeaf[slot] = NONE;
    this.freeSlots.push(slot);
    if (this.mass[leaf] > 1) {
      // A duplicate goes: the leaf stays, lighter. Keep it pointing at a live slot.
      if (this.leafSlot[leaf] === slot) {
        const other = this.slotLeaf.findIndex((l, s) => l === leaf && s !== slot);
        this.leafSlot[leaf] = other;
      }
      for (let n = leaf; n !== NONE; n = this.parent[n]) this.mass[n]--;
      return;
    }
    const parent = this.parent[leaf];
    this.releaseNode(leaf);
    if (parent === NONE) {
      this.root = NONE;
      return;
    }
    const sibling = this.left[parent] === leaf ? this.right[parent] : this.left[parent];
    const grand = this.parent[parent];
    this.parent[sibling] = grand;
    this.releaseNode(parent);
    if (grand === NONE) {
      this.root = sibling;
      return;
    }
    if (this.left[grand] === parent) this.left[grand] = sibling;
    else this.right[grand] = sibling;
    for (let n = grand; n !== NONE; n = this.parent[n]) {
      this.mass[n]--;
      this.unionChildren(n);
    }
  }

  /**
   * Collusive displacement of the point in `slot`: how many points its removal
   * would displace, relative to the subtree it hides in (max over ancestors of
   * sibling mass / own subtree mass). Also returns, per dimension, how far the
   * point sticks out of the sibling's box at that node, split by direction.
   */
  displacement(slot: number): { score: number; high: Float64Array; low: Float64Array } {
    const high = new Float64Array(this.dimensions);
    const low = new Float64Array(this.dimensions);
    const point = this.points[slot];
    let node = this.slotLeaf[slot];
    if (!point || node === undefined || node === NONE) throw new Error(`random cut tree: slot ${slot} is not in the tree`);
    let best = 0;
    let bestSibling = NONE;
    while (this.parent[node] !== NONE) {
      const parent = this.parent[node];
      const sibling = this.left[parent] === node ? this.right[parent] : this.left[parent];
      const ratio = this.mass[sibling] / this.mass[node];
      if (ratio > best) {
        best = ratio;
        bestSibling = sibling;
      }
      node = parent;
    }
    if (bestSibling !== NONE) {
      const o = bestSibling * this.dimensions;
      let total = 0;
      for (let d = 0; d < this.dimensions; d++) {
        high[d] = Math.max(0, point[d] - this.boxMax[o + d]);
        low[d] = Math.max(0, this.boxMin[o + d] - point[d]);
        total += high[d] + low[d];
      }
      for (let d = 0; d < this.dimensions; d++) {
        high[d] = total > 0 ? (best * high[d]) / total : 0;
        low[d] = total > 0 ? (best * low[d]) / total : 0;
      }
    }
    return { score: best, high, low };
  }

  /** Live slots, grouped by the leaf holding them. */
  private slotsByLeaf(): Map<number, number[]> {
    const byLeaf = new Map<number, number[]>();
    this.slotLeaf.forEach((leaf, slot) => {
      if (leaf === NONE || this.points[slot] === undefined) return;
      const list = byLeaf.get(leaf);
      if (list) list.push(slot);
      else byLeaf.set(leaf, [slot]);
    });
    return byLeaf;
  }

  /**
   * Writes the tree in pre-order: cuts of internal nodes, and for each leaf its
   * point once and each of its slots' extra data (`writeSlot`). Boxes are not
   * written: they are recomputed exactly from the leaves.
   */
  write(w: BinaryWriter, writeSlot: (slot: number) => void): void {
    w.u8(this.root === NONE ? 0 : 1);
    if (this.root === NONE) return;
    const byLeaf = this.slotsByLeaf();
    const visit = (n: number): void => {
      if (this.isLeaf(n)) {
        const slots = byLeaf.get(n) ?? [];
        w.u8(1);
        w.u32(slots.length);
        const p = this.points[slots[0]]!;
        for (let d = 0; d < this.dimensions; d++) w.f32(p[d]);
        for (const slot of slots) writeSlot(slot);
        return;
      }
      w.u8(0);
      w.u8(this.cutDim[n]);
      w.f64(this.cutValue[n]);
      visit(this.left[n]);
      visit(this.right[n]);
    };
    visit(this.root);
  }

  /** Reads a tree written by `write`; `readSlot` receives each new slot id in order. */
  static read(r: BinaryReader, dimensions: number, nodeCapacity: number, readSlot: (slot: number) => void): RandomCutTree {
    const tree = new RandomCutTree(dimensions, nodeCapacity);
    if (r.u8() === 0) return tree;
    const build = (parent: number): number => {
      const kind = r.u8();
      if (kind === 1) {
        const count = r.u32();
        const point = new Float32Array(dimensions);
        for (let d = 0; d < dimensions; d++) point[d] = r.f32();
        let leaf = NONE;
        for (let i = 0; i < count; i++) {
          const slot = tree.points.length;
          tree.points[slot] = point;
          if (leaf === NONE) leaf = tree.newLeaf(slot, point);
          else tree.slotLeaf[slot] = leaf;
          readSlot(slot);
        }
        tree.mass[leaf] = count;
        tree.parent[leaf] = parent;
        return leaf;
      }
      const n = tree.allocNode();
      tree.parent[n] = parent;
      tree.cutDim[n] = r.u8();
      tree.cutValue[n] = r.f64();
      const l = build(n);
      const rt = build(n);
      tree.left[n] = l;
      tree.right[n] = rt;
      tree.mass[n] = tree.mass[l] + tree.mass[rt];
      tree.unionChildren(n);
      return n;
    };
    tree.root = build(NONE);
    return tree;
  }

  /** Checks the tree's invariants (masses, boxes, cuts); used by tests. */
  verify(): void {
    if (this.root === NONE) return;
    const visit = (n: number): number => {
      if (this.isLeaf(n)) {
        const p = this.points[this.leafSlot[n]];
        if (!p) throw new Error(`leaf ${n} points at an empty slot`);
        for (let d = 0; d < this.dimensions; d++) if (this.boxMin[n * this.dimensions + d] !== p[d] || this.boxMax[n * this.dimensions + d] !== p[d]) throw new Error(`leaf ${n} box is not its point`);
        return this.mass[n];
      }
      const l = this.left[n];
      const r = this.right[n];
      if (this.parent[l] !== n || this.parent[r] !== n) throw new Error(`node ${n} children do not point back`);
      const dim = this.cutDim[n];
      const D = this.dimensions;
      if (this.boxMax[l * D + dim] > this.cutValue[n] || this.boxMin[r * D + dim] <= this.cutValue[n]) throw new Error(`node ${n} cut does not separate its children`);
      for (let d = 0; d < this.dimensions; d++) {
        if (this.boxMin[n * D + d] !== Math.min(this.boxMin[l * D + d], this.boxMin[r * D + d]) || this.boxMax[n * D + d] !== Math.max(this.boxMax[l * D + d], this.boxMax[r * D + d])) {
          throw new Error(`node ${n} box is not the union of its children`);
        }
      }
      const m = visit(l) + visit(r);
      if (m !== this.mass[n]) throw new Error(`node ${n} mass ${this.mass[n]} ≠ ${m}`);
      return m;
    };
    visit(this.root);
  }
}
