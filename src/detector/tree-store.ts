/**
 * Where one random cut tree keeps its nodes, bounding boxes and points: flat
 * typed arrays with free lists. A fleet holds thousands of trees, and an
 * object per node would cost more than the data. The tree's algorithms
 * (tree.ts: insert and delete; displacement.ts: the scoring walk;
 * tree-codec.ts: the state format) read and write these arrays directly, so
 * the fields are public to them; nothing outside the tree's files uses them.
 */

/** No node, no slot, no box row. */
export const NONE = -1;

/** Grows a typed array to hold at least `needed` elements (1.5× steps), keeping its contents. */
function grown<T extends Int32Array | Float32Array | Float64Array | Uint8Array>(array: T, needed: number, make: (n: number) => T): T {
  if (needed <= array.length) return array;
  const next = make(Math.max(needed, Math.ceil(array.length * 1.5)));
  next.set(array);
  return next;
}

export class TreeStore {
  root = NONE;
  // Per node; a leaf has leafSlot ≥ 0 and no children.
  left: Int32Array;
  right: Int32Array;
  parent: Int32Array;
  mass: Int32Array;
  leafSlot: Int32Array;
  cutDim: Uint8Array;
  cutValue: Float64Array;
  /** Internal node → its row in the box arrays. Float32 boxes are exact: every coordinate is a float32 point's. */
  boxRow: Int32Array;
  boxMin: Float32Array;
  boxMax: Float32Array;
  private nodeCount = 0;
  private readonly freeNodes: number[] = [];
  private boxCount = 0;
  private readonly freeBoxes: number[] = [];
  /** Point coordinates by slot (slot * dimensions + d); a slot is one sampled point (duplicates share a leaf, not a slot). */
  coords: Float32Array;
  /** Slot → leaf holding it, NONE when the slot is free. */
  slotLeaf: Int32Array;
  /** Slots ever used; live ones have a leaf in `slotLeaf`. */
  slotCount = 0;
  private readonly freeSlots: number[] = [];

  /** `nodeCapacity`: nodes to reserve; a tree of n points has at most 2n - 1 (+2 while inserting). Grows when exceeded. */
  constructor(
    readonly dimensions: number,
    nodeCapacity: number,
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

  /** The leaf holding `slot`; a slot the tree does not hold is a caller's bug, so it throws. */
  leafOf(slot: number): number {
    const leaf = slot >= 0 && slot < this.slotCount ? this.slotLeaf[slot] : NONE;
    if (leaf === NONE) throw new Error(`random cut tree: slot ${slot} is not in the tree`);
    return leaf;
  }

  /** The other child of `node`'s parent. */
  sibling(node: number): number {
    const parent = this.parent[node];
    return this.left[parent] === node ? this.right[parent] : this.left[parent];
  }

  /** A fresh node (an internal one also gets a box row); its arrays may be reallocated, so callers re-read them after. */
  allocNode(internal: boolean): number {
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

  releaseNode(id: number): void {
    this.freeNodes.push(id);
    if (this.boxRow[id] !== NONE) this.freeBoxes.push(this.boxRow[id]);
    this.boxRow[id] = NONE;
    this.leafSlot[id] = NONE;
  }

  /** A slot holding a copy of `point`'s first `dimensions` coordinates. */
  allocSlot(point: Float32Array): number {
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

  /** Marks `slot` free for reuse; its leaf is the caller's to update. */
  releaseSlot(slot: number): void {
    this.slotLeaf[slot] = NONE;
    this.freeSlots.push(slot);
  }

  newLeaf(slot: number): number {
    const id = this.allocNode(false);
    this.leafSlot[id] = slot;
    this.mass[id] = 1;
    this.slotLeaf[slot] = id;
    return id;
  }

  // A node's box: internal nodes have a row in boxMin/boxMax; a leaf's box is its point, min = max.
  // So a box is read as (array, offset): minArray(n)[boxOffset(n) + d].
  minArray(node: number): Float32Array {
    return this.boxRow[node] === NONE ? this.coords : this.boxMin;
  }

  maxArray(node: number): Float32Array {
    return this.boxRow[node] === NONE ? this.coords : this.boxMax;
  }

  boxOffset(node: number): number {
    const row = this.boxRow[node];
    return (row === NONE ? this.leafSlot[node] : row) * this.dimensions;
  }

  /** Sets an internal node's box to the union of its children's. */
  unionChildren(n: number): void {
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

  /** Live slots, grouped by the leaf holding them. */
  slotsByLeaf(): Map<number, number[]> {
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
}
