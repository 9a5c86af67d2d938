/**
 * npm run bench:generalize [-- --quick] [--jobs N]
 *
 * The honest evaluation, in one table:
 *  (a) NAB's 17 realAWSCloudwatch files with the detector's defaults on the
 *      reporting forest seeds (and HTM's published scores on the same files,
 *      same scorer; bench/lib/nab-report.ts);
 *  (b) a 2-fold cross-validation on those files: the grid of bench/lib/cv-grid.ts,
 *      its best setting chosen on one fixed half, scored on the other, both ways,
 *      on each reporting seed;
 *  (c) the container-incident simulator on its REPORTING seeds (never used for
 *      choosing) at 1/5/15/60-minute steps, beside the rolling 24 h z-score;
 *      The same seeds on the other fleet layouts (bench/lib/fleet-layouts.ts) at
 *      5/15/60 minutes: peers judged on one grouping alone would be tuned to it;
 *  (d) the generic anomaly shapes (bench/lib/shapes.ts) on their reporting
 *      seeds at 5/15/60-minute steps, scored by NAB's rules, beside the z-score.
 * NAB rows need the shared datasets (../shared/datasets/nab, or $NAB_DIR); without
 * them they are skipped and the table says so. `--quick` plays one reporting
 * seed at 5 and 60 minutes only, one other layout at 60, and the shapes' at 60 (for tests), and NAB
 * on one reporting seed.
 * `--jobs N` runs N pieces at once in child processes (default 2; 1 runs in
 * this process).
 */
import { parseArgs } from 'node:util';
import { describeSetting } from './lib/cv-grid';
import { renderColumns } from './lib/generalize-table';
import { REPORTING_SEEDS, SHARED_SHIFTS, STEPS_MINUTES } from './lib/incident-plan';
import { LAYOUT_NAMES, layoutNamed } from './lib/fleet-layouts';
import { byStep, type SetResult } from './lib/incident-run';
import { SHAPE_REPORTING_SEEDS, SHAPE_STEPS_MINUTES } from './lib/shapes';
import { byShapeStep, describeKinds, type ShapeSetResult } from './lib/shapes-run';
import { loadNabFiles, nabDir, NAB_DIR_ENV, scorePublished } from './lib/nab-data';
import { nabJobs, nabPlan, nabRows } from './lib/nab-report';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { runJobs, type Job } from './lib/jobs';

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, jobs: { type: 'string', default: String(Math.min(2, availableParallelism())) } } });
const parallel = Number(values.jobs);
const started = performance.now();
const progress = (text: string) => process.stderr.write(`bench:generalize: ${text}\n`);

const rows: string[][] = [];
const notes: string[] = [];

function incidentRows(seeds: readonly number[], results: SetResult[]): void {
  const sets = seeds.length;
  for (const r of byStep(results)) {
    rows.push([`incidents at ${r.stepMinutes} min, ${sets} set(s)`, 'found / false-alarm episodes', `${r.detector.found}/${r.detector.incidents} / ${r.detector.falseAlarmEpisodes}`, `z-score ${r.zScore.found}/${r.zScore.incidents} / ${r.zScore.falseAlarmEpisodes}`]);
    rows.push(['', 'fleet / service events', `${r.detector.fleetEvents} / ${r.detector.serviceEvents}`, `true shifts ${SHARED_SHIFTS.fleet.length * sets} / ${SHARED_SHIFTS.service.length * sets}`]);
    const missed = new Map<string, number>();
    for (const m of r.detector.missed) {
      const label = m.slice(m.indexOf(': ') + 2);
      missed.set(label, (missed.get(label) ?? 0) + 1);
    }
    notes.push(`missed at ${r.stepMinutes} min: ${[...missed].map(([label, n]) => `${label} ×${n}`).join(', ') || 'none'}.`);
  }
  notes.unshift(`Incident simulator: reporting seeds ${seeds.join(', ')} (never used for choosing; bench:incidents runs the tuning seeds), 8 containers in 4 services, 8 days, 10 incidents a set.`);
}

function layoutRows(seeds: readonly number[], results: SetResult[]): void {
  const layouts = [...new Set(results.map((r) => r.layout))];
  for (const r of byStep(results)) {
    rows.push([`other layouts at ${r.stepMinutes} min, ${layouts.length} × ${seeds.length} set(s)`, 'found / false-alarm episodes', `${r.detector.found}/${r.detector.incidents} / ${r.detector.falseAlarmEpisodes}`, `z-score ${r.zScore.found}/${r.zScore.incidents} / ${r.zScore.falseAlarmEpisodes}`]);
    rows.push(['', 'fleet / service events', `${r.detector.fleetEvents} / ${r.detector.serviceEvents}`, `true shifts ${SHARED_SHIFTS.fleet.length * seeds.length * layouts.length} / ${SHARED_SHIFTS.service.length * seeds.length * layouts.length}`]);
  }
  const each = layouts.map((layout) => {
    const figures = byStep(results.filter((r) => r.layout === layout)).map((s) => `${s.detector.found}/${s.detector.falseAlarmEpisodes}`);
    return `${layout} (${layoutNamed(layout).shape}) ${figures.join(', ')}`;
  });
  notes.push(`Other layouts, found/false-alarm episodes per step: ${each.join('; ')}.`);
}

function shapeRows(seeds: readonly number[], results: ShapeSetResult[]): void {
  for (const s of byShapeStep(results)) {
    const z = s.zScore;
    rows.push([`shapes at ${s.stepMinutes} min, ${s.sets} set(s)`, 'NAB standard / found / false alarms', `${s.detector.score.toFixed(1)} / ${s.detector.found}/${s.detector.windows} / ${s.detector.falseAlarms}`, `z-score ${z.score.toFixed(1)} / ${z.found}/${z.windows} / ${z.falseAlarms}`]);
    notes.push(`shapes found at ${s.stepMinutes} min: ${describeKinds(s.detector)}.`);
  }
  notes.push(`Generic shapes: reporting seeds ${seeds.join(', ')} (never used for choosing; bench:shapes runs the tuning seeds), 8 anomaly kinds and 3 anomaly-free series on 3 backgrounds, 14 days each.`);
}

async function main(): Promise<void> {
  const dir = nabDir();
  const files = loadNabFiles(dir);
  const seeds = values.quick ? REPORTING_SEEDS.slice(0, 1) : REPORTING_SEEDS;
  const nab = nabPlan(dir, seeds);
  const steps = values.quick ? [5, 60] : STEPS_MINUTES;
  const otherLayouts = values.quick ? ['batch-of-three'] : LAYOUT_NAMES.filter((l) => l !== 'standard');
  const layoutSteps = values.quick ? [60] : [5, 15, 60];
  const shapeSeeds = values.quick ? SHAPE_REPORTING_SEEDS.slice(0, 1) : SHAPE_REPORTING_SEEDS;
  const shapeSteps = values.quick ? [60] : SHAPE_STEPS_MINUTES;
  const jobs: Job[] = [
    // The longest first (1-minute sets), so two lanes finish together.
    ...steps.flatMap((stepMinutes) => seeds.map((seed): Job => ({ kind: 'incidents', seed, stepMinutes }))),
    ...layoutSteps.flatMap((stepMinutes) => otherLayouts.flatMap((layout) => seeds.map((seed): Job => ({ kind: 'incidents', seed, stepMinutes, layout })))),
    ...shapeSteps.flatMap((stepMinutes) => shapeSeeds.map((seed): Job => ({ kind: 'shapes', seed, stepMinutes }))),
    ...(files ? nabJobs(nab) : []),
  ];
  const results = await runJobs(jobs, parallel, (job, done) => progress(`${done}/${jobs.length} done (${job.kind === 'nab' ? `NAB ${describeSetting(job.setting)}` : `${job.kind} seed ${job.seed} at ${job.stepMinutes} min${job.kind === 'incidents' && job.layout ? ` on ${job.layout}` : ''}`})`));
  if (files) {
    const htm = existsSync(join(dir, 'results', 'numenta')) ? scorePublished(dir, files, 'numenta') : undefined;
    const part = nabRows(nab, files, results.flatMap((r) => (r.kind === 'nab' ? [r.scores] : [])), htm);
    rows.push(...part.rows);
    notes.push(...part.notes);
  } else rows.push(['NAB AWS rows skipped', `no NAB data at ${dir}`, '', `set ${NAB_DIR_ENV} to its folder`]);
  const incidentSets = results.flatMap((r) => (r.kind === 'incidents' ? [r.set] : []));
  incidentRows(seeds, incidentSets.filter((s) => s.layout === 'standard'));
  layoutRows(seeds, incidentSets.filter((s) => s.layout !== 'standard'));
  shapeRows(shapeSeeds, results.flatMap((r) => (r.kind === 'shapes' ? [r.set] : [])));
  console.log(`bench:generalize${values.quick ? ' --quick' : ''}: the embedded detector, nothing tuned on what is reported here`);
  console.log(renderColumns(['part', 'figure', 'this detector', 'reference'], rows, 4));
  for (const n of notes) console.log(n);
  console.log(`took ${((performance.now() - started) / 1000).toFixed(0)} s (${parallel} at a time)`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:generalize: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
