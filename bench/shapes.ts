/**
 * npm run bench:shapes [-- --seeds 1,2,3] [--steps 5,15,60]
 *
 * The generic anomaly shapes (bench/lib/shapes.ts) on their TUNING seeds, for
 * exploring and choosing: NAB's standard score, windows found, false alarms
 * and found per kind, beside the rolling 24 h z-score, per sampling step. It
 * refuses the reporting seeds, which only `npm run bench:generalize` reports.
 */
import { parseArgs } from 'node:util';
import { renderColumns } from './lib/generalize-table';
import { SHAPE_STEPS_MINUTES, SHAPE_TUNING_SEEDS } from './lib/shapes';
import { byShapeStep, describeKinds, runShapeSet } from './lib/shapes-run';
import { tuningSeedsOrExit } from './lib/tuning-seeds';

const { values } = parseArgs({ options: { seeds: { type: 'string', default: SHAPE_TUNING_SEEDS.join(',') }, steps: { type: 'string', default: SHAPE_STEPS_MINUTES.join(',') } } });
const seeds = tuningSeedsOrExit('bench:shapes', values.seeds, SHAPE_TUNING_SEEDS);
const results = values.steps.split(',').map(Number).flatMap((step) => seeds.map((seed) => runShapeSet(seed, step)));
console.log(`generic shapes, tuning seeds ${seeds.join(', ')}`);
const summaries = byShapeStep(results);
console.log(
  renderColumns(
    ['step', 'NAB standard', 'found', 'false alarms', 'z-score NAB standard', 'z-score found', 'z-score false alarms'],
    summaries.map((s) => [`${s.stepMinutes} min`, s.detector.score.toFixed(1), `${s.detector.found}/${s.detector.windows}`, String(s.detector.falseAlarms), s.zScore.score.toFixed(1), `${s.zScore.found}/${s.zScore.windows}`, String(s.zScore.falseAlarms)]),
  ),
);
for (const s of summaries) console.log(`found at ${s.stepMinutes} min: ${describeKinds(s.detector)} (z-score: ${describeKinds(s.zScore)})`);
