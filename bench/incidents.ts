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
const results = seeds.map((seed) => {
  const set = generateIncidentSet(seed);
  return { seed, ours: evaluate(set, detectorFlags), z: evaluate(set, (c) => zScoreFlags(c)) };
});
for (const { seed, ours, z } of results) {
  rows.push([String(seed), `${ours.found}/${ours.incidents}`, String(ours.falseAlarmEpisodes), meets(ours) ? 'yes' : 'no', `${z.found}/${z.incidents}`, String(z.falseAlarmEpisodes), ours.missed.join(' ') || '-']);
}
const sum = (pick: (r: (typeof results)[number]) => number) => results.reduce((total, r) => total + pick(r), 0);
rows.push([
  'all',
  `${sum((r) => r.ours.found)}/${sum((r) => r.ours.incidents)}`,
  String(sum((r) => r.ours.falseAlarmEpisodes)),
  `${sum((r) => (meets(r.ours) ? 1 : 0))}/${seeds.length}`,
  `${sum((r) => r.z.found)}/${sum((r) => r.z.incidents)}`,
  String(sum((r) => r.z.falseAlarmEpisodes)),
  '',
]);
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i])).join('  '));
