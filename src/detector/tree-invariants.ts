/**
 * What must hold in a tree after any insert, delete or read: every child
 * points back to its parent, every cut separates its children, every box is
 * exactly the union of its children's, masses add up, and every live slot is
 * in a leaf holding its coordinates. Tests call it after each change, so a
 * broken invariant shows where it broke, not scores later.
 */
import { NONE, type TreeStore } from './tree-store';

export function verifyTree(tree: TreeStore): void {
  if (tree.root === NONE) return;
  const D = tree.dimensions;
  const slotsSeen = new Set<number>();
  const lo = (n: number, d: number) => tree.minArray(n)[tree.boxOffset(n) + d];
  const hi = (n: number, d: number) => tree.maxArray(n)[tree.boxOffset(n) + d];
  const visit = (n: number): number => {
    if (tree.isLeaf(n)) {
      if (tree.boxRow[n] !== NONE) throw new Error(`leaf ${n} holds a box row`);
      const own = tree.leafSlot[n];
      if (tree.slotLeaf[own] !== n) throw new Error(`leaf ${n} points at slot ${own}, which is not its own`);
      for (let s = 0; s < tree.slotCount; s++) {
        if (tree.slotLeaf[s] !== n) continue;
        slotsSeen.add(s);
        for (let d = 0; d < D; d++) if (tree.coords[s * D + d] !== tree.coords[own * D + d]) throw new Error(`leaf ${n} holds slots with different points`);
      }
      return tree.mass[n];
    }
    const l = tree.left[n];
    const r = tree.right[n];
    if (tree.parent[l] !== n || tree.parent[r] !== n) throw new Error(`node ${n} children do not point back`);
    const dim = tree.cutDim[n];
    if (hi(l, dim) > tree.cutValue[n] || lo(r, dim) <= tree.cutValue[n]) throw new Error(`node ${n} cut does not separate its children`);
    const o = tree.boxRow[n] * D;
    for (let d = 0; d < D; d++) {
      if (tree.boxMin[o + d] !== Math.min(lo(l, d), lo(r, d)) || tree.boxMax[o + d] !== Math.max(hi(l, d), hi(r, d))) throw new Error(`node ${n} box is not the union of its children`);
    }
    const m = visit(l) + visit(r);
    if (m !== tree.mass[n]) throw new Error(`node ${n} mass ${tree.mass[n]} ≠ ${m}`);
    return m;
  };
  if (visit(tree.root) !== tree.size) throw new Error('root mass is not the tree size');
  for (let s = 0; s < tree.slotCount; s++) if (tree.slotLeaf[s] !== NONE && !slotsSeen.has(s)) throw new Error(`slot ${s} is live but not in the tree`);
}
