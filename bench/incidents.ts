/**
 * npm run bench:incidents [-- --seeds 1,2,3]
 *
 * The labelled container-incident benchmark (bench/lib/incidents.ts) over
 * several seeds: incidents found and false-alarm episodes for the embedded
 * detector (Lambda defaults) and for a rolling 24 h z-score.
 */
import { parseArgs } from 'node:util';
import { detectorFlags, evaluate, generateIncidentSet, zScoreFlags, type Evaluation } from './lib/incidents';

const { values } = parseArgs({ options: { seeds: { type: 'string', default: '1,2,3,4,5,6,7,8' } } });
const seeds = values.seeds.split(',').map(Number);
/** The quality target for one set: every incident found, at most two false-alarm episodes. */
const meets = (e: Evaluation) => e.found === e.incidents && e.falseAlarmEpisodes <= 2;
const rows: string[][] = [['seed', 'detector found', 'detector false alarms', 'target met', 'z-score found', 'z-score false alarms', 'detector missed']];
const totals = { ours: [0, 0, 0, 0], z: [0, 0, 0] };
for (const seed of seeds) {
  const set = generateIncidentSet(seed);
  const ours = evaluate(set, detectorFlags);
  const z = evaluate(set, (c) => zScoreFlags(c));
  rows.push([String(seed), `${ours.found}/${ours.incidents}`, String(ours.falseAlarmEpisodes), meets(ours) ? 'yes' : 'no', `${z.found}/${z.incidents}`, String(z.falseAlarmEpisodes), ours.missed.join(' ') || '-']);
  totals.ours = [totals.ours[0] + ours.found, totals.ours[1] + ours.incidents, totals.ours[2] + ours.falseAlarmEpisodes, totals.ours[3] + (meets(ours) ? 1 : 0)];
  totals.z = [totals.z[0] + z.found, totals.z[1] + z.incidents, totals.z[2] + z.falseAlarmEpisodes];
}
rows.push(['all', `${totals.ours[0]}/${totals.ours[1]}`, String(totals.ours[2]), `${totals.ours[3]}/${seeds.length}`, `${totals.z[0]}/${totals.z[1]}`, String(totals.z[2]), '']);
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i])).join('  '));
