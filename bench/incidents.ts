/**
 * npm run bench:incidents [-- --seeds 1,2,3] [--steps 5,60]
 *
 * The container-incident simulator on the TUNING seeds (bench/lib/incident-plan.ts),
 * for exploring and choosing: incidents found, false-alarm episodes and
 * fleet/service events of the embedded detector (Lambda defaults) beside a
 * rolling 24 h z-score, per sampling step. It refuses the reporting seeds,
 * which only `npm run bench:generalize` reports.
 */
import { parseArgs } from 'node:util';
import { runIncidentBench } from './lib/incident-run';
import { STEPS_MINUTES, TUNING_SEEDS } from './lib/incident-plan';
import { incidentTable } from './lib/generalize-table';
import { tuningSeedsOrExit } from './lib/tuning-seeds';

const { values } = parseArgs({ options: { seeds: { type: 'string', default: TUNING_SEEDS.join(',') }, steps: { type: 'string', default: STEPS_MINUTES.join(',') } } });
const seeds = tuningSeedsOrExit('bench:incidents', values.seeds, TUNING_SEEDS);
const results = runIncidentBench(seeds, values.steps.split(',').map(Number));
console.log(`incident simulator, tuning seeds ${seeds.join(', ')}`);
console.log(incidentTable(results, true));
