/**
 * The backtest CLI's logic: score every row of one or several series with the
 * embedded detector exactly as the Lambda configures it, and say what was
 * irregular about the input. One output row per input row, in input order:
 * `timestamp,anomaly_score,is_anomaly,top_metric` for a single series, with
 * `container` first and `scope` last when there are several.
 */
import { FleetDetector, resolveOptions, warmupMsOf, type Detection, type DetectorOptions } from '../detector';
import { feed } from './feed';
import type { BacktestInput } from './input';
import { formatDuration, summaryLine, type SeriesIrregularities } from './irregularities';

export { parseTimestamp } from './csv';
export { inputFromTexts, readBacktestInput, type BacktestInput } from './input';

export interface BacktestReport {
  csv: string;
  /** Per input row, in input order (what a benchmark scores). */
  detections: Detection[];
  series: SeriesIrregularities[];
  /** The summary line for stderr. */
  summary: string;
  /** One line per series the detector could not judge fully. */
  warnings: string[];
}

/** The detector options for these metric columns: CPU is expected from traffic when both container columns are there, as in the Lambda. */
export function detectorOptionsFor(metrics: string[], overrides: Partial<DetectorOptions> = {}): Partial<DetectorOptions> {
  const cpu = metrics.indexOf('cpu_pct');
  const traffic = metrics.indexOf('net_mbps');
  return { loadRelation: cpu >= 0 && traffic >= 0 ? [cpu, traffic] : null, ...overrides, dimensions: metrics.length };
}

/** `anomaly_score` is score / (score + threshold): 0.5 at the detector's own threshold, 0 while it warms up. */
function scoreColumns(d: Detection, metrics: string[]): string[] {
  const normalized = d.warmingUp ? 0 : d.score / (d.score + d.threshold);
  let top = 0;
  let best = -1;
  metrics.forEach((_, k) => {
    const w = d.attribution.high[k] + d.attribution.low[k];
    if (w > best) [best, top] = [w, k];
  });
  const direction = d.attribution.high[top] >= d.attribution.low[top] ? 'high' : 'low';
  return [normalized.toFixed(6), d.isAnomaly ? '1' : '0', d.warmingUp ? '' : `${metrics[top]}:${direction}`];
}

/** Quotes a field that holds a comma, a quote or a line break (RFC 4180). */
const csvField = (text: string) => (/[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);

/** A warning per series shorter than the warm-up, or longer but never judged (a detector that counts rows, not time, at a long step). */
export function warningsFor(series: SeriesIrregularities[], judged: Set<string>, warmupMs: number): string[] {
  return series.flatMap((s) => {
    const span = s.lastMs - s.firstMs;
    if (span < warmupMs) {
      return [`warning: series "${s.key}" spans ${formatDuration(span)}, less than the detector's warm-up of ${formatDuration(warmupMs)}: it is never judged`];
    }
    return judged.has(s.key) ? [] : [`warning: series "${s.key}" never left the detector's warm-up in its ${s.rows} rows: every score is 0`];
  });
}

export function backtest(input: BacktestInput, overrides: Partial<DetectorOptions> = {}): BacktestReport {
  const options = detectorOptionsFor(input.metrics, overrides);
  const result = feed(input.rows, FleetDetector.create(options));
  const detections = result.rows.map((r) => r.detection);
  const header = input.multi ? ['container', 'timestamp', 'anomaly_score', 'is_anomaly', 'top_metric', 'scope'] : ['timestamp', 'anomaly_score', 'is_anomaly', 'top_metric'];
  const lines = [header.join(',')];
  const judged = new Set<string>();
  input.rows.forEach((row, i) => {
    const d = detections[i];
    if (!d.warmingUp) judged.add(row.key);
    const columns = scoreColumns(d, input.metrics);
    lines.push((input.multi ? [csvField(row.key), csvField(row.rawTime), ...columns, d.scope] : [csvField(row.rawTime), ...columns]).join(','));
  });
  return {
    csv: lines.join('\n') + '\n',
    detections,
    series: result.series,
    summary: summaryLine(result.series),
    warnings: warningsFor(result.series, judged, warmupMsOf(resolveOptions(options))),
  };
}
