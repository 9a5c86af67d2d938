/**
 * npm run bench:incidents [-- --seeds 1,2,3]
 *
 * The labelled container-incident benchmark (bench/lib/incidents.ts) over
 * several seeds: incidents found and false-alarm episodes for the embedded
 * detector (Lambda defaults) and for a rolling 24 h z-score.
 */
import { parseArgs } from 'node:util';
import { detectorFlags, evaluate, generateIncidentSet, zScoreFlags } from './lib/incidents';

const { values } = parseArgs({ options: { seeds: { type: 'string', default: '1,2,3,4,5' } } });
const seeds = values.seeds.split(',').map(Number);
const rows: string[][] = [['seed', 'detector found', 'detector false alarms', 'z-score found', 'z-score false alarms', 'detector missed']];
for (const seed of seeds) {
  const set = generateIncidentSet(seed);
  const ours = evaluate(set, detectorFlags);
  const z = evaluate(set, (c) => zScoreFlags(c));
  rows.push([String(seed), `${ours.found}/${ours.incidents}`, String(ours.falseAlarmEpisodes), `${z.found}/${z.incidents}`, String(z.falseAlarmEpisodes), ours.missed.join(' ') || '-']);
}
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i])).join('  '));
