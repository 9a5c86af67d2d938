/**
 * Stage 2, the forest score. A random cut forest over a stream: every tree
 * keeps a time-decayed reservoir sample (newer points are likelier to stay,
 * by their timestamps, not their arrival order: a service of fifty containers
 * forgets as fast as one of two), and each new point is scored against the
 * current sample before the reservoirs decide whether to keep it.
 */
import { BinaryReader, type ByteSink } from './codec';
import { SeededRandom } from './random';
import { RandomCutTree } from './tree';

export interface ForestOptions {
  trees: number;
  sampleSize: number;
  dimensions: number;
  /** Half-life of a point's weight in the reservoir, in the timestamps' milliseconds; Infinity is a uniform reservoir. */
  halfLifeMs: number;
}

export interface ForestScore {
  /** Mean collusive displacement over the trees. */
  score: number;
  /** Per dimension: how much of the score comes from the point being higher / lower than its neighbours. */
  high: Float64Array;
  low: Float64Array;
}

export class RandomCutForest {
  readonly trees: RandomCutTree[];
  /** Per tree: slot → reservoir priority (smaller stays); NaN marks a free slot. */
  readonly priorities: Float32Array[];
  /** Per tree: points in the reservoir. */
  readonly sampled: Int32Array;
  /** The first point's timestamp: reservoir keys count time from here, so they stay small enough for single precision. */
  originMs = Number.NaN;

  constructor(
    readonly options: ForestOptions,
    readonly rng: SeededRandom,
  ) {
    // A sample of n points needs at most 2n + 1 nodes, counting the point being inserted.
    this.trees = Array.from({ length: options.trees }, () => new RandomCutTree(options.dimensions, 2 * options.sampleSize + 3));
    this.priorities = this.trees.map(() => new Float32Array(options.sampleSize + 1).fill(Number.NaN));
    this.sampled = new Int32Array(options.trees);
  }

  /** Scores `point` against the sample without learning it (a late or duplicate sample). */
  score(point: Float32Array): ForestScore {
    return this.visit(point, (tree, _t, slot) => tree.delete(slot), () => undefined);
  }

  /** Scores `point` (taken at `timestampMs`) against the sample, then offers it to every tree's reservoir. */
  scoreAndUpdate(point: Float32Array, timestampMs: number): ForestScore {
    if (Number.isNaN(this.originMs)) this.originMs = timestampMs;
    return this.visit(
      point,
      (tree, t, slot) => this.offer(tree, t, slot, timestampMs),
      (tree, t) => this.keep(t, tree.insert(point, this.rng), this.priority(timestampMs)),
    );
  }

  /** Scores `point` in every tree that has a sample; `after` decides about the inserted slot, `empty` handles an empty tree. */
  private visit(point: Float32Array, after: (tree: RandomCutTree, t: number, slot: number) => void, empty: (tree: RandomCutTree, t: number) => void): ForestScore {
    const { dimensions } = this.options;
    const high = new Float64Array(dimensions);
    const low = new Float64Array(dimensions);
    let score = 0;
    let scored = 0;
    this.trees.forEach((tree, t) => {
      if (tree.size === 0) {
        empty(tree, t);
        return;
      }
      const slot = tree.insert(point, this.rng);
      const d = tree.displacement(slot);
      score += d.score;
      scored++;
      for (let i = 0; i < dimensions; i++) {
        high[i] += d.high[i];
        low[i] += d.low[i];
      }
      after(tree, t, slot);
    });
    const n = Math.max(scored, 1);
    for (let i = 0; i < dimensions; i++) {
      high[i] /= n;
      low[i] /= n;
    }
    return { score: score / n, high, low };
  }

  /** The reservoir keeps the inserted slot if its key beats the worst kept one; otherwise it leaves again. */
  private offer(tree: RandomCutTree, t: number, slot: number, timestampMs: number): void {
    const priority = this.priority(timestampMs);
    if (this.sampled[t] < this.options.sampleSize) {
      this.keep(t, slot, priority);
      return;
    }
    const reservoir = this.priorities[t];
    let worstSlot = -1;
    let worst = -Infinity;
    for (let s = 0; s < reservoir.length; s++) {
      if (reservoir[s] > worst) {
        worst = reservoir[s];
        worstSlot = s;
      }
    }
    if (priority < worst) {
      tree.delete(worstSlot);
      reservoir[worstSlot] = Number.NaN;
      reservoir[slot] = priority;
    } else {
      tree.delete(slot);
    }
  }

  private keep(tree: number, slot: number, priority: number): void {
    this.priorities[tree][slot] = priority;
    this.sampled[tree]++;
  }

  /**
   * Exponential-decay reservoir key (Efraimidis–Spirakis in log space):
   * ln(-ln u) - λ·t with λ = ln 2 / half-life; the sample keeps the smallest
   * keys, so a point's chance to stay halves with every half-life it ages.
   */
  private priority(timestampMs: number): number {
    const elapsed = Number.isFinite(this.options.halfLifeMs) ? ((timestampMs - this.originMs) * Math.LN2) / this.options.halfLifeMs : 0;
    return Math.fround(Math.log(-Math.log(this.rng.nextOpen())) - elapsed);
  }

  write(w: ByteSink): void {
    w.u32(this.rng.state);
    w.f64(this.originMs);
    this.trees.forEach((tree, t) => tree.write(w, (slot) => w.f32(this.priorities[t][slot])));
  }

  static read(r: BinaryReader, options: ForestOptions): RandomCutForest {
    const forest = new RandomCutForest(options, new SeededRandom(r.u32()));
    forest.originMs = r.f64();
    for (let t = 0; t < options.trees; t++) {
      forest.trees[t] = RandomCutTree.read(r, options.dimensions, 2 * options.sampleSize + 3, (slot) => forest.keep(t, slot, r.f32()));
    }
    return forest;
  }
}
