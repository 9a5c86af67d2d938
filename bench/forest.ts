/**
 * npm run bench:forest
 *
 * Our random cut forest (src/detector/forest.ts) beside AWS's own (PyPI krcf,
 * the Rust random-cut-forest-by-aws library), fed the same points: four
 * metrics shingled four deep (16 dimensions), 30 trees of 128 points, a
 * seeded stream with injected spikes (bench/lib/forest-stream.ts). Each point
 * is scored, attributed, then learned, as a stream detector does. Without
 * krcf (bash scripts/bench-forest-deps.sh installs it into .venv) it says so
 * and exits 0.
 *
 * The two scores are different quantities: ours is collusive displacement
 * (max over the point's ancestors of sibling mass / own mass, with the point
 * inserted), krcf's `score` the depth-weighted anomaly score (normalised so an
 * ordinary point is near 1), so the table compares ranks and what each
 * singles out, not values. Reservoirs are matched: both keep the smallest
 * ln(-ln u) - λ·age, ours with age in timestamps (here one per point).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../modules/detector-function/bundle';
import { RandomCutForest, SeededRandom } from '../src/detector';
import { argmaxDimension, attributionVector, mean, pearson, spearman, topAgreement, topIndices } from './lib/forest-compare';
import { forestStream, type InjectedOutlier } from './lib/forest-stream';
import { median } from './lib/report';

const TREES = 30;
const SAMPLE_SIZE = 128;
const POINTS = 6000;
/** Scores are compared once every reservoir is full and has turned over a few times. */
const WARMUP = 4 * SAMPLE_SIZE;
const OUTLIERS = 12;
const SEED = 42;
const DRIVER_MISSING = 3;

interface Run {
  score: number[];
  high: number[][];
  low: number[][];
  usPerPoint: number;
}

interface KrcfRun extends Run {
  version: string;
  displacement: number[];
}

/** Two reservoir settings: krcf's default decay (λ = 0.1 / sample size per point, a half-life of ~887 points), and none. */
const SETTINGS = [
  { label: 'decay λ = 0.1/128', timeDecay: 0.1 / SAMPLE_SIZE },
  { label: 'no decay', timeDecay: 0 },
];

function ours(points: Float32Array[], timeDecay: number, seed: number): Run {
  // The same reservoir key as krcf's λ per point: our half-life in timestamps (1 ms per point here) is ln 2 / λ.
  const halfLifeMs = timeDecay > 0 ? Math.LN2 / timeDecay : Number.POSITIVE_INFINITY;
  const forest = new RandomCutForest({ trees: TREES, sampleSize: SAMPLE_SIZE, dimensions: points[0].length, halfLifeMs }, new SeededRandom(seed));
  const run: Run = { score: [], high: [], low: [], usPerPoint: 0 };
  const started = performance.now();
  points.forEach((p, i) => {
    const s = forest.scoreAndUpdate(p, i);
    run.score.push(s.score);
    run.high.push(Array.from(s.high));
    run.low.push(Array.from(s.low));
  });
  run.usPerPoint = ((performance.now() - started) * 1000) / points.length;
  return run;
}

function python(): string {
  const venv = join(PROJECT_ROOT, '.venv', 'bin', 'python');
  return existsSync(venv) ? venv : 'python3';
}

function krcf(points: Float32Array[], timeDecay: number, seed: number): KrcfRun | undefined {
  const job = JSON.stringify({ points: points.map((p) => Array.from(p)), trees: TREES, sample_size: SAMPLE_SIZE, time_decay: timeDecay, seed });
  const out = spawnSync(python(), [join(PROJECT_ROOT, 'bench', 'krcf_forest.py')], { input: job, encoding: 'utf8', maxBuffer: 256 << 20 });
  // No Python at all counts as no krcf: the bench is optional, `npm test` does not need it.
  if (out.status === DRIVER_MISSING || (out.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') return undefined;
  if (out.status !== 0) throw new Error(`bench/krcf_forest.py failed (${out.status ?? out.signal}): ${out.stderr}`);
  const r = JSON.parse(out.stdout) as { version: string; score: number[]; displacement: number[]; high: number[][]; low: number[][]; us_per_point: number };
  return { version: r.version, score: r.score, displacement: r.displacement, high: r.high, low: r.low, usPerPoint: r.us_per_point };
}

/**
 * One column of the table: every figure for one reservoir setting. `a2`, `b2`:
 * the same forests with another seed, for how well each agrees with itself
 * (the ceiling for how well the two can agree with each other).
 */
function compare(a: Run, b: KrcfRun, a2: Run, b2: KrcfRun, outliers: InjectedOutlier[]): string[] {
  const from = <T>(xs: T[]) => xs.slice(WARMUP);
  const sa = from(a.score);
  const sb = from(b.score);
  const k = Math.round(sa.length * 0.01);
  const inTop = (scores: number[]) => {
    const top = topIndices(scores, k);
    return outliers.filter((o) => top.has(o.index - WARMUP)).length;
  };
  const contrast = (scores: number[]) => mean(outliers.map((o) => scores[o.index])) / median(from(scores));
  const argA = outliers.map((o) => argmaxDimension(a.high[o.index], a.low[o.index]));
  const argB = outliers.map((o) => argmaxDimension(b.high[o.index], b.low[o.index]));
  const right = (args: number[]) => args.filter((d, i) => d === outliers[i].dimension).length;
  const vectorR = (indices: number[]) => mean(indices.map((i) => pearson(attributionVector(a.high[i], a.low[i]), attributionVector(b.high[i], b.low[i]))).filter((r) => !Number.isNaN(r)));
  const all = Array.from({ length: a.score.length - WARMUP }, (_, i) => i + WARMUP);
  const n = outliers.length;
  const f2 = (x: number) => x.toFixed(2);
  return [
    f2(spearman(sa, sb)),
    f2(pearson(sa, sb)),
    `${f2(spearman(sa, from(a2.score)))} · ${f2(spearman(sb, from(b2.score)))}`,
    f2(spearman(sa, from(b.displacement))),
    f2(topAgreement(sa, sb, 0.01)),
    `${inTop(sa)}/${n} · ${inTop(sb)}/${n}`,
    f2(mean(sa) / mean(sb)),
    `${contrast(a.score).toFixed(1)} · ${contrast(b.score).toFixed(1)}`,
    `${argA.filter((d, i) => d === argB[i]).length}/${n}`,
    `${right(argA)}/${n} · ${right(argB)}/${n}`,
    f2(vectorR(outliers.map((o) => o.index))),
    f2(vectorR(all)),
    `${a.usPerPoint.toFixed(0)} · ${b.usPerPoint.toFixed(0)}`,
  ];
}

const ROWS = [
  'score rank correlation (Spearman)',
  'score correlation (Pearson)',
  'Spearman with itself, another seed: ours · krcf',
  'Spearman, ours vs krcf displacement_score',
  'top-1% points in both',
  'injected spikes in own top 1%: ours · krcf',
  'mean score level, ours / krcf',
  'spike score / median score: ours · krcf',
  'attribution argmax agrees on spikes',
  'argmax = spiked dimension: ours · krcf',
  'attribution vector correlation, spikes',
  'attribution vector correlation, all points',
  'µs per score + attribution + update: ours · krcf',
];

function main(): void {
  const { points, outliers } = forestStream(SEED, POINTS, 2 * WARMUP, OUTLIERS);
  const columns: string[][] = [];
  let version = '';
  for (const setting of SETTINGS) {
    const reference = krcf(points, setting.timeDecay, SEED);
    const reseeded = krcf(points, setting.timeDecay, SEED + 1);
    if (!reference || !reseeded) {
      console.log(`bench:forest: krcf (AWS's Random Cut Forest for Python) is not installed for ${python()}; run \`bash scripts/bench-forest-deps.sh\` to install it into .venv. Nothing compared.`);
      return;
    }
    version = reference.version;
    columns.push(compare(ours(points, setting.timeDecay, SEED), reference, ours(points, setting.timeDecay, SEED + 1), reseeded, outliers));
  }
  console.log(`Our forest beside krcf ${version} (AWS random-cut-forest-by-aws, Rust), the same ${POINTS} points: ${points[0].length} dimensions (4 metrics × shingle 4), ${TREES} trees × ${SAMPLE_SIZE} points, ${OUTLIERS} injected spikes; compared from point ${WARMUP} on.`);
  const header = ['', ...SETTINGS.map((s) => s.label)];
  const rows = ROWS.map((label, r) => [label, ...columns.map((c) => c[r])]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (row: string[]) => row.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}

main();
