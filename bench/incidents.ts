/**
 * npm run bench:incidents [-- --seeds 1,2,3] [--steps 5,60] [--layout NAME|all]
 *
 * The container-incident simulator on the TUNING seeds (bench/lib/incident-plan.ts),
 * for exploring and choosing: incidents found, false-alarm episodes and
 * fleet/service events of the embedded detector (Lambda defaults) beside a
 * rolling 24 h z-score, per sampling step. It refuses the reporting seeds,
 * which only `npm run bench:generalize` reports. `--layout` plays another
 * grouping of the containers into services (bench/lib/fleet-layouts.ts), or
 * every one of them with `all` and their sums per step.
 */
import { parseArgs } from 'node:util';
import { byStep, runIncidentSet } from './lib/incident-run';
import { LAYOUT_NAMES, layoutNamed } from './lib/fleet-layouts';
import { STEPS_MINUTES, TUNING_SEEDS } from './lib/incident-plan';
import { incidentTable } from './lib/generalize-table';
import { tuningSeedsOrExit } from './lib/tuning-seeds';

const { values } = parseArgs({ options: { seeds: { type: 'string', default: TUNING_SEEDS.join(',') }, steps: { type: 'string', default: STEPS_MINUTES.join(',') }, layout: { type: 'string', default: 'standard' } } });
const seeds = tuningSeedsOrExit('bench:incidents', values.seeds, TUNING_SEEDS);
const steps = values.steps.split(',').map(Number);
let layouts: string[];
try {
  layouts = values.layout === 'all' ? LAYOUT_NAMES : [layoutNamed(values.layout).name];
} catch (e) {
  process.stderr.write(`bench:incidents: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
}
const sets = layouts.flatMap((layout) => steps.flatMap((step) => seeds.map((seed) => runIncidentSet(seed, step, {}, layout))));
for (const layout of layouts) {
  console.log(`incident simulator, tuning seeds ${seeds.join(', ')}, layout ${layout} (${layoutNamed(layout).shape})`);
  console.log(incidentTable(byStep(sets.filter((s) => s.layout === layout)), true));
}
if (layouts.length > 1) {
  console.log(`all ${layouts.length} layouts together`);
  console.log(incidentTable(byStep(sets)));
}
