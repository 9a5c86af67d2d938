/**
 * npm run bench:generalize [-- --quick] [--jobs N]
 *
 * The honest evaluation, in one table:
 *  (a) NAB's 17 realAWSCloudwatch files with the detector's defaults (and HTM's
 *      published scores on the same files, same scorer);
 *  (b) a 2-fold cross-validation on those files: the grid of bench/lib/cv-grid.ts,
 *      its best setting chosen on one fixed half, scored on the other, both ways;
 *  (c) the container-incident simulator on its REPORTING seeds (never used for
 *      choosing) at 1/5/15/60-minute steps, beside the rolling 24 h z-score;
 *      The same seeds on the other fleet layouts (bench/lib/fleet-layouts.ts) at
 *      5/15/60 minutes: peers judged on one grouping alone would be tuned to it;
 *  (d) the generic anomaly shapes (bench/lib/shapes.ts) on their reporting
 *      seeds at 5/15/60-minute steps, scored by NAB's rules, beside the z-score.
 * NAB rows need the shared datasets (../shared/datasets/nab, or $NAB_DIR); without
 * them they are skipped and the table says so. `--quick` plays one reporting
 * seed at 5 and 60 minutes only, one other layout at 60, and the shapes' at 60 (for tests); the NAB
 * part is the same.
 * `--jobs N` runs N pieces at once in child processes (default 2; 1 runs in
 * this process).
 */
import { parseArgs } from 'node:util';
import { describeSetting, describeValue, gridSettings, CV_GRID } from './lib/cv-grid';
import type { DetectorOptions } from '../src/detector';
import { crossValidate, splitHalves, type ProfileFigures, type ScoredSetting } from './lib/cross-validation';
import { renderColumns } from './lib/generalize-table';
import { REPORTING_SEEDS, SHARED_SHIFTS, STEPS_MINUTES } from './lib/incident-plan';
import { LAYOUT_NAMES, layoutNamed } from './lib/fleet-layouts';
import { byStep, type SetResult } from './lib/incident-run';
import { SHAPE_REPORTING_SEEDS, SHAPE_STEPS_MINUTES } from './lib/shapes';
import { byShapeStep, describeKinds, type ShapeSetResult } from './lib/shapes-run';
import { loadNabFiles, nabDir, NAB_DIR_ENV, PROFILE_NAMES, scorePublished, type NabFile, type ProfileScores } from './lib/nab-data';
import { normalizedScore, PROFILES } from './lib/nab-scorer';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { runJobs, type Job } from './lib/jobs';

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, jobs: { type: 'string', default: String(Math.min(2, availableParallelism())) } } });
const parallel = Number(values.jobs);
const started = performance.now();
const progress = (text: string) => process.stderr.write(`bench:generalize: ${text}\n`);

const figures = (f: ProfileFigures) => PROFILE_NAMES.map((p) => f[p].toFixed(1)).join(' / ');
const totals = (scores: ProfileScores): ProfileFigures => Object.fromEntries(PROFILE_NAMES.map((p) => [p, normalizedScore(scores[p], PROFILES[p])])) as ProfileFigures;
const detections = (scores: ProfileScores) => {
  const sum = (pick: (f: ProfileScores['standard'][number]) => number) => scores.standard.reduce((s, f) => s + pick(f), 0);
  return `TP ${sum((f) => f.truePositives)}, FP ${sum((f) => f.falsePositives)}, FN ${sum((f) => f.falseNegatives)}`;
};

const rows: string[][] = [];
const notes: string[] = [];

function nabRows(dir: string, files: NabFile[], settings: Array<Partial<DetectorOptions>>, results: ProfileScores[]): void {
  const names = files.map((f) => f.name);
  const scored: ScoredSetting[] = settings.map((setting, i) => ({ setting, scores: results[i] }));
  // The grid holds the defaults (each axis lists its default value: tested).
  const defaults = scored.find((s) => describeSetting(s.setting).endsWith('(defaults)'))!.scores;
  const htm = existsSync(join(dir, 'results', 'numenta')) ? scorePublished(dir, files, 'numenta') : undefined;
  rows.push([`NAB AWS, ${files.length} files, defaults`, 'standard / low FP / low FN', figures(totals(defaults)), htm ? `HTM ${figures(totals(htm))}` : '']);
  rows.push(['', 'standard-profile detections', detections(defaults), htm ? `HTM ${detections(htm)}` : '']);
  const cv = crossValidate(names, scored);
  const [a, b] = splitHalves(names);
  cv.folds.forEach((fold, i) => {
    const [from, to] = fold.tunedHalf === 'A' ? ['A', 'B'] : ['B', 'A'];
    rows.push([`NAB 2-fold CV ${i + 1}: chosen on ${from} (${fold.tunedOn.length}), scored on ${to} (${fold.scoredOn.length})`, 'standard / low FP / low FN', figures(fold.heldOut), `chosen ${describeSetting(fold.chosen)} (${from}: ${fold.tunedScore.toFixed(1)})`]);
  });
  rows.push(['NAB 2-fold CV, mean of held-out halves', 'standard / low FP / low FN', figures(cv.mean), '']);
  notes.push(`NAB halves (files in name order, alternately): A = ${a.map((n) => n.replace(/\.csv$/, '')).join(', ')}; B = ${b.map((n) => n.replace(/\.csv$/, '')).join(', ')}.`);
  notes.push(`CV grid (bench/lib/cv-grid.ts): ${CV_GRID.map((g) => `${g.option} ∈ {${g.values.map((v) => describeValue(g.option, v)).join(', ')}}`).join(' × ')}; chosen by the standard profile on one half.`);
}

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
  const settings = gridSettings();
  const seeds = values.quick ? REPORTING_SEEDS.slice(0, 1) : REPORTING_SEEDS;
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
    ...(files ? settings.map((setting): Job => ({ kind: 'nab', dir, setting })) : []),
  ];
  const results = await runJobs(jobs, parallel, (job, done) => progress(`${done}/${jobs.length} done (${job.kind === 'nab' ? `NAB ${describeSetting(job.setting)}` : `${job.kind} seed ${job.seed} at ${job.stepMinutes} min${job.kind === 'incidents' && job.layout ? ` on ${job.layout}` : ''}`})`));
  if (files) nabRows(dir, files, settings, results.flatMap((r) => (r.kind === 'nab' ? [r.scores] : [])));
  else rows.push(['NAB AWS rows skipped', `no NAB data at ${dir}`, '', `set ${NAB_DIR_ENV} to its folder`]);
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
