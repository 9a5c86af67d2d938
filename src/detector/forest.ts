/**
 * A random cut forest over a stream: every tree keeps a time-decayed
 * reservoir sample (newer points are likelier to stay), and each new point is
 * scored against the current sample before the reservoirs decide whether to
 * keep it.
 */
import { BinaryReader, type ByteSink } from './codec';
import { SeededRandom } from './random';
import { RandomCutTree } from './tree';

export interface ForestOptions {
  trees: number;
  sampleSize: number;
  dimensions: number;
  /** Per-arrival decay of a point's weight in the reservoir; 0 is a uniform reservoir. */
  decay: number;
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
  arrivals = 0;

  constructor(
    readonly options: ForestOptions,
    readonly rng: SeededRandom,
  ) {
    // A sample of n points needs at most 2n + 1 nodes, counting the point being inserted.
    this.trees = Array.from({ length: options.trees }, () => new RandomCutTree(options.dimensions, 2 * options.sampleSize + 3));
    this.priorities = this.trees.map(() => new Float32Array(options.sampleSize + 1).fill(Number.NaN));
    this.sampled = new Int32Array(options.trees);
  }

  /** Scores `point` against the sample, then offers it to every tree's reservoir. */
  scoreAndUpdate(point: Float32Array): ForestScore {
    const { dimensions, sampleSize, decay } = this.options;
    const high = new Float64Array(dimensions);
    const low = new Float64Array(dimensions);
    let score = 0;
    const arrival = this.arrivals++;
    this.trees.forEach((tree, t) => {
      if (tree.size === 0) {
        this.keep(t, tree.insert(point, this.rng), this.priority(arrival, decay));
        return;
      }
      const slot = tree.insert(point, this.rng);
      const d = tree.displacement(slot);
      score += d.score;
      for (let i = 0; i < dimensions; i++) {
        high[i] += d.high[i];
        low[i] += d.low[i];
      }
      const priority = this.priority(arrival, decay);
      if (this.sampled[t] < sampleSize) {
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
    });
    const n = this.trees.length;
    for (let i = 0; i < dimensions; i++) {
      high[i] /= n;
      low[i] /= n;
    }
    return { score: score / n, high, low };
  }

  private keep(tree: number, slot: number, priority: number): void {
    this.priorities[tree][slot] = priority;
    this.sampled[tree]++;
  }

  /**
   * Exponential-decay reservoir key (Efraimidis–Spirakis in log space):
   * ln(-ln u) - decay·t; the sample keeps the smallest keys, so later arrivals win.
   */
  private priority(arrival: number, decay: number): number {
    return Math.fround(Math.log(-Math.log(this.rng.nextOpen())) - decay * arrival);
  }

  write(w: ByteSink): void {
    w.u32(this.rng.state);
    w.f64(this.arrivals);
    this.trees.forEach((tree, t) => tree.write(w, (slot) => w.f32(this.priorities[t][slot])));
  }

  static read(r: BinaryReader, options: ForestOptions): RandomCutForest {
    const forest = new RandomCutForest(options, new SeededRandom(r.u32()));
    forest.arrivals = r.f64();
    for (let t = 0; t < options.trees; t++) {
      forest.trees[t] = RandomCutTree.read(r, options.dimensions, 2 * options.sampleSize + 3, (slot) => forest.keep(t, slot, r.f32()));
    }
    return forest;
  }
}
