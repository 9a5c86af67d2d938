/** Text tables of the evaluation: aligned columns, numbers right-aligned. */
import type { StepResult } from './incident-run';

export function renderColumns(header: string[], rows: string[][], leftColumns = 1): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i < leftColumns ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** One row per step: the detector beside the z-score; with `withMisses`, what the detector missed. */
export function incidentTable(results: StepResult[], withMisses = false): string {
  const header = ['step', 'found', 'false-alarm episodes', 'fleet events', 'service events', 'z-score found', 'z-score false alarms', 'rows (missing/dup/late)'];
  const rows = results.map((r) => [
    `${r.stepMinutes} min`,
    `${r.detector.found}/${r.detector.incidents}`,
    String(r.detector.falseAlarmEpisodes),
    String(r.detector.fleetEvents),
    String(r.detector.serviceEvents),
    `${r.zScore.found}/${r.zScore.incidents}`,
    String(r.zScore.falseAlarmEpisodes),
    `${r.delivery.rows} (${r.delivery.missing}/${r.delivery.duplicates}/${r.delivery.late})`,
  ]);
  const table = renderColumns(header, rows);
  if (!withMisses) return table;
  return [table, ...results.map((r) => `missed at ${r.stepMinutes} min: ${r.detector.missed.join('; ') || '-'}`)].join('\n');
}
