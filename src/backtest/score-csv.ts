/**
 * The backtest CLI's logic: read `timestamp,<metrics…>` CSV, score every row
 * with the embedded detector exactly as the Lambda configures it (each row sees
 * only earlier rows), and write `timestamp,anomaly_score,is_anomaly,top_metric`.
 */
import { FleetDetector, type DetectorOptions } from '../detector';

export class CsvInputError extends Error {
  constructor(readonly line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.name = 'CsvInputError';
  }
}

export interface ParsedSeries {
  metrics: string[];
  rows: Array<{ raw: string; timeMs: number; values: number[]; line: number }>;
}

const SPACE_STAMP = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d(?::\d\d(?:\.\d+)?)?)$/;
const ISO_STAMP = /^\d{4}-\d\d-\d\d(T\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)?)?$/;

/** ISO-8601; a space instead of `T` and no zone (`2014-02-14 14:30:00`) means UTC. */
export function parseTimestamp(text: string): number {
  const spaced = SPACE_STAMP.exec(text);
  if (spaced) return Date.parse(`${spaced[1]}T${spaced[2]}Z`);
  if (!ISO_STAMP.test(text)) return Number.NaN;
  // An ISO date-time without a zone is read as UTC too, so results never depend on the machine's zone.
  return Date.parse(/T[^Z+-]*$/.test(text) ? `${text}Z` : text);
}

export function parseSeriesCsv(text: string): ParsedSeries {
  const lines = text.split(/\r?\n/);
  while (lines.length && lines[lines.length - 1].trim() === '') lines.pop();
  if (lines.length === 0) throw new CsvInputError(1, 'the file is empty; expected a header timestamp,<metric columns…>');
  const header = lines[0].split(',').map((h) => h.trim());
  if (header[0] !== 'timestamp') throw new CsvInputError(1, `the first column must be "timestamp", found "${header[0]}"`);
  const metrics = header.slice(1);
  if (metrics.length === 0) throw new CsvInputError(1, 'no metric columns after "timestamp"');
  metrics.forEach((m, i) => {
    if (!m) throw new CsvInputError(1, `column ${i + 2} has no name`);
    if (metrics.indexOf(m) !== i) throw new CsvInputError(1, `column "${m}" appears twice`);
  });
  const rows: ParsedSeries['rows'] = [];
  let previous = Number.NEGATIVE_INFINITY;
  for (let i = 1; i < lines.length; i++) {
    const line = i + 1;
    const fields = lines[i].split(',').map((f) => f.trim());
    if (fields.length !== header.length) {
      throw new CsvInputError(line, `expected ${header.length} fields (${header.join(',')}), found ${fields.length}`);
    }
    const timeMs = parseTimestamp(fields[0]);
    if (!Number.isFinite(timeMs)) throw new CsvInputError(line, `"${fields[0]}" is not an ISO-8601 timestamp`);
    if (timeMs < previous) throw new CsvInputError(line, `timestamp ${fields[0]} goes backwards (rows must be in time order)`);
    previous = timeMs;
    const values = fields.slice(1).map((f, k) => {
      const v = f === '' ? Number.NaN : Number(f);
      if (!Number.isFinite(v)) throw new CsvInputError(line, `column "${metrics[k]}" value "${f}" is not a number`);
      return v;
    });
    rows.push({ raw: fields[0], timeMs, values, line });
  }
  return { metrics, rows };
}

/**
 * Scores a parsed series. `anomaly_score` is score / (score + threshold): 0.5
 * at the detector's own threshold, 0 while it warms up.
 */
export function scoreSeries(series: ParsedSeries, options: Partial<DetectorOptions> = {}): string {
  // CPU is expected from traffic when the file has both container columns, as in the Lambda.
  const cpu = series.metrics.indexOf('cpu_pct');
  const traffic = series.metrics.indexOf('net_mbps');
  const loadRelation: [number, number] | null = cpu >= 0 && traffic >= 0 ? [cpu, traffic] : null;
  const detector = FleetDetector.create({ loadRelation, ...options, dimensions: series.metrics.length });
  const out = ['timestamp,anomaly_score,is_anomaly,top_metric'];
  for (const row of series.rows) {
    const d = detector.update('series', 'series', row.timeMs, row.values);
    const normalized = d.warmingUp ? 0 : d.score / (d.score + d.threshold);
    let top = 0;
    let best = -1;
    series.metrics.forEach((_, k) => {
      const w = d.attribution.high[k] + d.attribution.low[k];
      if (w > best) [best, top] = [w, k];
    });
    const direction = d.attribution.high[top] >= d.attribution.low[top] ? 'high' : 'low';
    out.push(`${row.raw},${normalized.toFixed(6)},${d.isAnomaly ? 1 : 0},${d.warmingUp ? '' : `${series.metrics[top]}:${direction}`}`);
  }
  return out.join('\n') + '\n';
}
