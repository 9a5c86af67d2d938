/**
 * One random cut tree (Guha et al., "Robust Random Cut Forest Based Anomaly
 * Detection on Streams", ICML 2016). Points are inserted and deleted in
 * O(depth); bounding boxes are kept on internal nodes so a new point can pick
 * a cut over the box it would extend (a leaf's box is its point). Nodes,
 * boxes and points live in flat typed arrays with free lists: a fleet holds
 * thousands of trees, and per-object overhead would cost more than the data.
 */
import type { SeededRandom } from './random';
import type { BinaryReader, ByteSink } from './codec';

const NONE = -1;

/** Grows a typed array to hold at least `needed` elements (1.5× steps), keeping its contents. */
function grown<T extends Int32Array | Float32Array | Float64Array | Uint8Array>(array: T, needed: number, make: (n: number) => T): T {
  if (needed <= array.length) return array;
  const next = make(Math.max(needed, Math.ceil(array.length * 1.5)));
  next.set(array);
  return next;
}

export class RandomCutTree {
  root = NONE;
  // Per node; a leaf has leafSlot ≥ 0 and no children.
  private left: Int32Array;
  private right: Int32Array;
  private parent: Int32Array;
  private mass: Int32Array;
  private leafSlot: Int32Array;
  private cutDim: Uint8Array;
  private cutValue: Float64Array;
  /** Internal node → its row in the box arrays. Float32 boxes are exact: every coordinate is a float32 point's. */
  private boxRow: Int32Array;
  private boxMin: Float32Array;
  private boxMax: Float32Array;
  private nodeCount = 0;
  private readonly freeNodes: number[] = [];
  private boxCount = 0;
  private readonly freeBoxes: number[] = [];
  /** Point coordinates by slot (slot * dimensions + d); a slot is one sampled point (duplicates share a leaf, not a slot). */
  private coords: Float32Array;
  /** Slot → leaf holding it, NONE when the slot is free. */
  private slotLeaf: Int32Array;
  private slotCount = 0;
  private readonly freeSlots: number[] = [];

  /** `nodeCapacity`: nodes to reserve; a tree of n points has at most 2n - 1 (+2 while inserting). Grows when exceeded. */
  constructor(
    readonly dimensions: number,
    nodeCapacity = 16,
  ) {
    const nodes = Math.max(2, nodeCapacity);
    const points = Math.ceil(nodes / 2) + 1;
    this.left = new Int32Array(nodes);
    this.right = new Int32Array(nodes);
    this.parent = new Int32Array(nodes);
    this.mass = new Int32Array(nodes);
    this.leafSlot = new Int32Array(nodes);
    this.cutDim = new Uint8Array(nodes);
    this.cutValue = new Float64Array(nodes);
    this.boxRow = new Int32Array(nodes);
    this.boxMin = new Float32Array(points * dimensions);
    this.boxMax = new Float32Array(points * dimensions);
    this.coords = new Float32Array(points * dimensions);
    this.slotLeaf = new Int32Array(points).fill(NONE);
  }

  get size(): number {
    return this.root === NONE ? 0 : this.mass[this.root];
  }

  isLeaf(node: number): boolean {
    return this.leafSlot[node] !== NONE;
  }

  private allocNode(internal: boolean): number {
    let id = this.freeNodes.pop();
    if (id === undefined) {
      id = this.nodeCount++;
      const n = this.nodeCount;
      const i32 = (k: number) => new Int32Array(k);
      this.left = grown(this.left, n, i32);
      this.right = grown(this.right, n, i32);
      this.parent = grown(this.parent, n, i32);
      this.mass = grown(this.mass, n, i32);
      this.leafSlot = grown(this.leafSlot, n, i32);
      this.boxRow = grown(this.boxRow, n, i32);
      this.cutDim = grown(this.cutDim, n, (k) => new Uint8Array(k));
      this.cutValue = grown(this.cutValue, n, (k) => new Float64Array(k));
    }
    this.left[id] = NONE;
    this.right[id] = NONE;
    this.parent[id] = NONE;
    this.mass[id] = 0;
    this.leafSlot[id] = NONE;
    this.cutDim[id] = 0;
    this.cutValue[id] = 0;
    this.boxRow[id] = NONE;
    if (internal) {
      let row = this.freeBoxes.pop();
      if (row === undefined) {
        row = this.boxCount++;
        const f32 = (k: number) => new Float32Array(k);
        this.boxMin = grown(this.boxMin, this.boxCount * this.dimensions, f32);
        this.boxMax = grown(this.boxMax, this.boxCount * this.dimensions, f32);
      }
      this.boxRow[id] = row;
    }
    return id;
  }

  private releaseNode(id: number): void {
    this.freeNodes.push(id);
    if (this.boxRow[id] !== NONE) this.freeBoxes.push(this.boxRow[id]);
    this.boxRow[id] = NONE;
    this.leafSlot[id] = NONE;
  }

  private allocSlot(point: Float32Array): number {
    let slot = this.freeSlots.pop();
    if (slot === undefined) {
      slot = this.slotCount++;
      this.coords = grown(this.coords, this.slotCount * this.dimensions, (k) => new Float32Array(k));
      const before = this.slotLeaf.length;
      this.slotLeaf = grown(this.slotLeaf, this.slotCount, (k) => new Int32Array(k));
      this.slotLeaf.fill(NONE, before);
    }
    this.coords.set(point.subarray(0, this.dimensions), slot * this.dimensions);
    return slot;
  }

  // A node's box: internal nodes have a row in boxMin/boxMax; a leaf's box is its point, min = max.
  private minArray(node: number): Float32Array {
    return this.boxRow[node] === NONE ? this.coords : this.boxMin;
  }

  private maxArray(node: number): Float32Array {
    return this.boxRow[node] === NONE ? this.coords : this.boxMax;
  }

  private boxOffset(node: number): number {
    const row = this.boxRow[node];
    return (row === NONE ? this.leafSlot[node] : row) * this.dimensions;
  }

  /** Sets an internal node's box to the union of its children's. */
  private unionChildren(n: number): void {
    const D = this.dimensions;
    const o = this.boxRow[n] * D;
    const l = this.left[n];
    const r = this.right[n];
    const lMin = this.minArray(l), lMax = this.maxArray(l), lo = this.boxOffset(l);
    const rMin = this.minArray(r), rMax = this.maxArray(r), ro = this.boxOffset(r);
    for (let d = 0; d < D; d++) {
      this.boxMin[o + d] = Math.min(lMin[lo + d], rMin[ro + d]);
      this.boxMax[o + d] = Math.max(lMax[lo + d], rMax[ro + d]);
    }
  }

  private newLeaf(slot: number): number {
    const id = this.allocNode(false);
    this.leafSlot[id] = slot;
    this.mass[id] = 1;
    this.slotLeaf[slot] = id;
    return id;
  }

  /**
   * Inserts a point and returns its slot (pass it to `delete`). Duplicates of a
   * point already in the tree raise that leaf's mass.
   */
  insert(point: Float32Array, rng: SeededRandom): number {
    const slot = this.allocSlot(point);
    if (this.root === NONE) {
      this.root = this.newLeaf(slot);
      return slot;
    }
    const D = this.dimensions;
    let node = this.root;
    for (;;) {
      const min = this.minArray(node);
      const max = this.maxArray(node);
      const o = this.boxOffset(node);
      let total = 0;
      for (let d = 0; d < D; d++) total += Math.max(max[o + d], point[d]) - Math.min(min[o + d], point[d]);
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
      this.mass[node]++;
      for (let d = 0; d < D; d++) {
        if (point[d] < min[o + d]) min[o + d] = point[d];
        if (point[d] > max[o + d]) max[o + d] = point[d];
      }
      node = point[this.cutDim[node]] <= this.cutValue[node] ? this.left[node] : this.right[node];
    }
  }

  /** Puts a new internal node between `node` and its parent, with the new leaf on `pointLeft`'s side. */
  private splitAbove(node: number, slot: number, point: Float32Array, dim: number, cut: number, pointLeft: boolean): void {
    const parent = this.parent[node];
    const leaf = this.newLeaf(slot);
    const inner = this.allocNode(true);
    this.cutDim[inner] = dim;
    this.cutValue[inner] = cut;
    this.left[inner] = pointLeft ? leaf : node;
    this.right[inner] = pointLeft ? node : leaf;
    this.parent[leaf] = inner;
    this.parent[node] = inner;
    this.parent[inner] = parent;
    this.mass[inner] = this.mass[node] + 1;
    const oi = this.boxRow[inner] * this.dimensions;
    const min = this.minArray(node), max = this.maxArray(node), on = this.boxOffset(node);
    for (let d = 0; d < this.dimensions; d++) {
      this.boxMin[oi + d] = Math.min(min[on + d], point[d]);
      this.boxMax[oi + d] = Math.max(max[on + d], point[d]);
    }
    if (parent === NONE) this.root = inner;
    else if (this.left[parent] === node) this.left[parent] = inner;
    else this.right[parent] = inner;
  }

  /** Removes the point in `slot`, shrinking bounding boxes on the way up. */
  delete(slot: number): void {
    const leaf = slot >= 0 && slot < this.slotCount ? this.slotLeaf[slot] : NONE;
    if (leaf === NONE) throw new Error(`random cut tree: slot ${slot} is not in the tree`);
    this.slotLeaf[slot] = NONE;
    this.freeSlots.push(slot);
    if (this.mass[leaf] > 1) {
      // A duplicate goes: the leaf stays, lighter. Keep it pointing at a live slot (same coordinates).
      if (this.leafSlot[leaf] === slot) this.leafSlot[leaf] = this.slotLeaf.findIndex((l, s) => l === leaf && s !== slot);
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
    const D = this.dimensions;
    const high = new Float64Array(D);
    const low = new Float64Array(D);
    let node = slot >= 0 && slot < this.slotCount ? this.slotLeaf[slot] : NONE;
    if (node === NONE) throw new Error(`random cut tree: slot ${slot} is not in the tree`);
    const p = slot * D;
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
      const min = this.minArray(bestSibling), max = this.maxArray(bestSibling), o = this.boxOffset(bestSibling);
      let total = 0;
      for (let d = 0; d < D; d++) {
        high[d] = Math.max(0, this.coords[p + d] - max[o + d]);
        low[d] = Math.max(0, min[o + d] - this.coords[p + d]);
        total += high[d] + low[d];
      }
      for (let d = 0; d < D; d++) {
        high[d] = total > 0 ? (best * high[d]) / total : 0;
        low[d] = total > 0 ? (best * low[d]) / total : 0;
      }
    }
    return { score: best, high, low };
  }

  /** Live slots, grouped by the leaf holding them. */
  private slotsByLeaf(): Map<number, number[]> {
    const byLeaf = new Map<number, number[]>();
    for (let slot = 0; slot < this.slotCount; slot++) {
      const leaf = this.slotLeaf[slot];
      if (leaf === NONE) continue;
      const list = byLeaf.get(leaf);
      if (list) list.push(slot);
      else byLeaf.set(leaf, [slot]);
    }
    return byLeaf;
  }

  /**
   * Writes the tree in pre-order: cuts of internal nodes, and for each leaf its
   * point once and each of its slots' extra data (`writeSlot`). Boxes are not
   * written: they are recomputed exactly from the leaves.
   */
  write(w: ByteSink, writeSlot: (slot: number) => void): void {
    w.u8(this.root === NONE ? 0 : 1);
    if (this.root === NONE) return;
    const byLeaf = this.slotsByLeaf();
    const D = this.dimensions;
    const visit = (n: number): void => {
      if (this.isLeaf(n)) {
        const slots = byLeaf.get(n) ?? [];
        w.u8(1);
        w.u32(slots.length);
        const o = slots[0] * D;
        for (let d = 0; d < D; d++) w.f32(this.coords[o + d]);
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
    const point = new Float32Array(dimensions);
    const build = (parent: number): number => {
      const kind = r.u8();
      if (kind === 1) {
        const count = r.u32();
        for (let d = 0; d < dimensions; d++) point[d] = r.f32();
        let leaf = NONE;
        for (let i = 0; i < count; i++) {
          const slot = tree.allocSlot(point);
          if (leaf === NONE) leaf = tree.newLeaf(slot);
          else tree.slotLeaf[slot] = leaf;
          readSlot(slot);
        }
        tree.mass[leaf] = count;
        tree.parent[leaf] = parent;
        return leaf;
      }
      const n = tree.allocNode(true);
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

  /** Checks the tree's invariants (masses, boxes, cuts, slots); used by tests. */
  verify(): void {
    if (this.root === NONE) return;
    const D = this.dimensions;
    const slotsSeen = new Set<number>();
    const visit = (n: number): number => {
      if (this.isLeaf(n)) {
        if (this.boxRow[n] !== NONE) throw new Error(`leaf ${n} holds a box row`);
        const own = this.leafSlot[n];
        if (this.slotLeaf[own] !== n) throw new Error(`leaf ${n} points at slot ${own}, which is not its own`);
        for (let s = 0; s < this.slotCount; s++) {
          if (this.slotLeaf[s] !== n) continue;
          slotsSeen.add(s);
          for (let d = 0; d < D; d++) if (this.coords[s * D + d] !== this.coords[own * D + d]) throw new Error(`leaf ${n} holds slots with different points`);
        }
        return this.mass[n];
      }
      const l = this.left[n];
      const r = this.right[n];
      if (this.parent[l] !== n || this.parent[r] !== n) throw new Error(`node ${n} children do not point back`);
      const dim = this.cutDim[n];
      if (this.maxArray(l)[this.boxOffset(l) + dim] > this.cutValue[n] || this.minArray(r)[this.boxOffset(r) + dim] <= this.cutValue[n]) throw new Error(`node ${n} cut does not separate its children`);
      const o = this.boxRow[n] * D;
      for (let d = 0; d < D; d++) {
        const min = Math.min(this.minArray(l)[this.boxOffset(l) + d], this.minArray(r)[this.boxOffset(r) + d]);
        const max = Math.max(this.maxArray(l)[this.boxOffset(l) + d], this.maxArray(r)[this.boxOffset(r) + d]);
        if (this.boxMin[o + d] !== min || this.boxMax[o + d] !== max) throw new Error(`node ${n} box is not the union of its children`);
      }
      const m = visit(l) + visit(r);
      if (m !== this.mass[n]) throw new Error(`node ${n} mass ${this.mass[n]} ≠ ${m}`);
      return m;
    };
    if (visit(this.root) !== this.size) throw new Error('root mass is not the tree size');
    for (let s = 0; s < this.slotCount; s++) if (this.slotLeaf[s] !== NONE && !slotsSeen.has(s)) throw new Error(`slot ${s} is live but not in the tree`);
  }
}
