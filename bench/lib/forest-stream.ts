/**
 * The stream `npm run bench:forest` feeds to both forests: four container-like
 * metrics at 5-minute steps (traffic with a daily wave, CPU following it,
 * memory drifting slowly, disk with short ordinary bursts), in the units the
 * detector's forest sees (standardised, about ±2), shingled four samples
 * deep, with single-sample spikes injected in known metrics and directions.
 */
import { SeededRandom } from '../../src/detector';

export const METRICS = ['cpu', 'memory', 'traffic', 'disk'] as const;
export const SHINGLE = 4;
const DAY_STEPS = 288;

export interface InjectedOutlier {
  /** Index of the point whose newest sample holds the spike. */
  index: number;
  metric: number;
  /** +1 up, -1 down. */
  sign: number;
  /** The point's dimension holding the spike: the newest sample's slot of that metric. */
  dimension: number;
}

export interface ForestStream {
  /** Shingled points, float32-exact (both forests store float32). */
  points: Float32Array[];
  outliers: InjectedOutlier[];
}

/** `length` points; `outlierCount` spikes spread evenly from `firstOutlier` on, each in the next metric, alternating up and down. */
export function forestStream(seed: number, length: number, firstOutlier: number, outlierCount: number): ForestStream {
  const rng = new SeededRandom(seed);
  const gap = Math.floor((length - firstOutlier) / outlierCount);
  const outliers: InjectedOutlier[] = Array.from({ length: outlierCount }, (_, k) => {
    const metric = k % METRICS.length;
    // Placed within its stretch by the seed, so spikes fall at every hour of the daily wave.
    const index = firstOutlier + k * gap + Math.floor(rng.next() * (gap - SHINGLE));
    return { index, metric, sign: k % 2 === 0 ? 1 : -1, dimension: (SHINGLE - 1) * METRICS.length + metric };
  });
  const spikeAt = new Map(outliers.map((o) => [o.index, o]));
  let memory = 0;
  let burst = 0;
  const samples: number[][] = [];
  for (let i = 0; i < length; i++) {
    const traffic = Math.sin((2 * Math.PI * i) / DAY_STEPS) + 0.15 * rng.normal();
    const cpu = 0.8 * traffic + 0.2 * rng.normal();
    memory = 0.99 * memory + 0.05 * rng.normal();
    if (burst === 0 && rng.next() < 1 / 300) burst = 3;
    const disk = 0.3 * rng.normal() + (burst > 0 ? 1 : 0);
    if (burst > 0) burst--;
    const sample = [cpu, memory, traffic, disk];
    const spike = spikeAt.get(i);
    // 3 to 4: well outside each metric's ordinary range (about ±2), yet inside what a container really does.
    if (spike) sample[spike.metric] += spike.sign * (3 + rng.next());
    samples.push(sample);
  }
  // Point i is samples i-3 .. i, oldest first (the layout key-model.ts builds); the first points repeat sample 0.
  const points = samples.map((_, i) => Float32Array.from(Array.from({ length: SHINGLE }, (_, s) => samples[Math.max(0, i - SHINGLE + 1 + s)]).flat()));
  return { points, outliers };
}
