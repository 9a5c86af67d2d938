/**
 * A tree in the detector's state: pre-order, cuts of internal nodes, and for
 * each leaf its point once and each of its slots' extra data (the forest's
 * reservoir priorities). Boxes are not written: they are recomputed exactly
 * from the leaves (float32 points, so min and max lose nothing) instead of
 * taking two more floats per dimension and node. Part of the versioned state
 * format (VERSION in fleet.ts): a change here needs a new version.
 */
import type { BinaryReader, ByteSink } from './codec';
import { NONE, type TreeStore } from './tree-store';

export function writeTree(tree: TreeStore, w: ByteSink, writeSlot: (slot: number) => void): void {
  w.u8(tree.root === NONE ? 0 : 1);
  if (tree.root === NONE) return;
  const byLeaf = tree.slotsByLeaf();
  const D = tree.dimensions;
  const visit = (n: number): void => {
    if (tree.isLeaf(n)) {
      const slots = byLeaf.get(n) ?? [];
      w.u8(1);
      w.u32(slots.length);
      const o = slots[0] * D;
      for (let d = 0; d < D; d++) w.f32(tree.coords[o + d]);
      for (const slot of slots) writeSlot(slot);
      return;
    }
    w.u8(0);
    w.u8(tree.cutDim[n]);
    w.f64(tree.cutValue[n]);
    visit(tree.left[n]);
    visit(tree.right[n]);
  };
  visit(tree.root);
}

/** Fills an empty store from `writeTree`'s bytes; `readSlot` receives each new slot id in order. */
export function readTreeInto(tree: TreeStore, r: BinaryReader, readSlot: (slot: number) => void): void {
  if (r.u8() === 0) return;
  const D = tree.dimensions;
  const point = new Float32Array(D);
  const build = (parent: number): number => {
    const kind = r.u8();
    if (kind === 1) {
      const count = r.u32();
      for (let d = 0; d < D; d++) point[d] = r.f32();
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
}
