/**
 * The local run's report: one self-contained HTML page (inline SVG, no
 * scripts, no CDN) showing, for every service that had an anomaly, its
 * containers' metrics and anomaly score over time, the threshold, and where
 * alerts and scale-outs happened.
 */
import { METRIC_NAMES, type MetricName, type MetricVector } from '../core/model';

export interface ReportPoint {
  t: number;
  metrics: MetricVector;
  score: number;
  threshold: number;
  anomaly: boolean;
}

export interface ReportSeries {
  containerId: string;
  service: string;
  points: ReportPoint[];
}

export interface ReportEvent {
  t: number;
  service: string;
  kind: 'alert' | 'scale';
  label: string;
}

export interface ReportRow {
  at: string;
  service: string;
  containerId: string;
  kind: string;
  severity: string;
  topMetric: string;
  action: string;
}

export interface ReportData {
  environment: string;
  generatedAt: string;
  seed: number;
  cycles: number;
  rows: ReportRow[];
  series: ReportSeries[];
  events: ReportEvent[];
}

const LABELS: Record<MetricName, string> = { cpu_pct: 'CPU %', mem_pct: 'Memory %', net_mbps: 'Network Mbit/s', disk_iops: 'Disk IOPS' };
const WIDTH = 960;
const PANEL = 78;
const LEFT = 110;
const RIGHT = 16;

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function fmt(n: number): string {
  return Math.abs(n) >= 100 ? n.toFixed(0) : n.toFixed(1);
}

/** One container's panels: four metrics and the anomaly score with its threshold, sharing a time axis. */
function containerChart(series: ReportSeries, events: ReportEvent[], tMin: number, tMax: number): string {
  const panels: Array<{ label: string; values: number[]; threshold?: number[] }> = [
    ...METRIC_NAMES.map((m) => ({ label: LABELS[m], values: series.points.map((p) => p.metrics[m]) })),
    { label: 'Anomaly score', values: series.points.map((p) => p.score), threshold: series.points.map((p) => p.threshold) },
  ];
  const height = panels.length * PANEL + 42;
  const x = (t: number) => LEFT + ((t - tMin) / Math.max(1, tMax - tMin)) * (WIDTH - LEFT - RIGHT);
  const parts: string[] = [];
  panels.forEach((panel, i) => {
    const top = i * PANEL + 8;
    const all = [...panel.values, ...(panel.threshold ?? [])].filter(Number.isFinite);
    const lo = Math.min(0, ...all);
    const hi = Math.max(...all, lo + 1e-9) * 1.08;
    const y = (v: number) => top + PANEL - 14 - ((v - lo) / (hi - lo)) * (PANEL - 22);
    const line = (vals: number[]) => series.points.map((p, k) => `${k ? 'L' : 'M'}${x(p.t).toFixed(1)},${y(vals[k]).toFixed(1)}`).join('');
    parts.push(`<rect x="${LEFT}" y="${top}" width="${WIDTH - LEFT - RIGHT}" height="${PANEL - 8}" class="panel"/>`);
    parts.push(`<text x="${LEFT - 8}" y="${top + 16}" class="label">${panel.label}</text>`);
    parts.push(`<text x="${LEFT - 8}" y="${top + PANEL - 14}" class="tick">${fmt(lo)}</text><text x="${LEFT - 8}" y="${top + 30}" class="tick">${fmt(hi)}</text>`);
    parts.push(`<path d="${line(panel.values)}" class="${panel.threshold ? 'score' : 'metric'}"/>`);
    if (panel.threshold) {
      parts.push(`<path d="${line(panel.threshold)}" class="threshold"><title>threshold</title></path>`);
      series.points.forEach((p) => {
        if (p.anomaly) parts.push(`<circle cx="${x(p.t).toFixed(1)}" cy="${y(p.score).toFixed(1)}" r="4" class="anomaly"><title>anomaly at ${new Date(p.t).toISOString()}: score ${fmt(p.score)} ≥ ${fmt(p.threshold)}</title></circle>`);
      });
    }
  });
  for (const e of events) {
    const ex = x(e.t).toFixed(1);
    parts.push(`<line x1="${ex}" x2="${ex}" y1="4" y2="${panels.length * PANEL}" class="${e.kind}"><title>${escapeHtml(e.label)}</title></line>`);
    // Alerts and scale-outs often share a cycle: their labels take separate rows.
    parts.push(`<text x="${ex}" y="${panels.length * PANEL + (e.kind === 'alert' ? 14 : 27)}" class="event-${e.kind}">${e.kind === 'alert' ? '▲ alert' : '▲ scaled'}</text>`);
  }
  const hours = (tMax - tMin) / 3_600_000;
  const tickEvery = Math.max(1, Math.round(hours / 8)) * 3_600_000;
  for (let t = Math.ceil(tMin / tickEvery) * tickEvery; t <= tMax; t += tickEvery) {
    parts.push(`<text x="${x(t).toFixed(1)}" y="${height - 2}" class="time">${new Date(t).toISOString().slice(11, 16)}</text>`);
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="${escapeHtml(series.containerId)} metrics and anomaly score">${parts.join('')}</svg>`;
}

export function renderReport(data: ReportData): string {
  const all = data.series.flatMap((s) => s.points.map((p) => p.t));
  const tMin = Math.min(...all);
  const tMax = Math.max(...all);
  const services = [...new Set(data.series.map((s) => s.service))].sort();
  const sections = services.map((service) => {
    const containers = data.series.filter((s) => s.service === service);
    const events = data.events.filter((e) => e.service === service);
    return `<section id="${escapeHtml(service)}"><h2>${escapeHtml(service)}</h2>
<p class="legend"><span class="k metric"></span>metric <span class="k score"></span>anomaly score <span class="k threshold"></span>threshold <span class="dot"></span>anomaly <span class="k alert"></span>alert <span class="k scale"></span>scale-out</p>
${containers.map((c) => `<h3>${escapeHtml(c.containerId)}</h3>${containerChart(c, events, tMin, tMax)}`).join('\n')}</section>`;
  });
  const rows = data.rows
    .map((r) => `<tr><td>${escapeHtml(r.at)}</td><td><a href="#${escapeHtml(r.service)}">${escapeHtml(r.service)}</a></td><td>${escapeHtml(r.containerId)}</td><td>${escapeHtml(r.kind)}</td><td class="${escapeHtml(r.severity)}">${escapeHtml(r.severity)}</td><td>${escapeHtml(r.topMetric)}</td><td>${escapeHtml(r.action)}</td></tr>`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Container anomalies — ${escapeHtml(data.environment)}</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:24px auto;max-width:1000px;color:#1b1f24}
h1{font-size:22px;margin:0 0 4px}h2{margin-top:32px;border-bottom:1px solid #d0d7de;padding-bottom:4px}h3{font:600 13px monospace;margin:12px 0 2px;color:#57606a}
table{border-collapse:collapse;width:100%;font-size:13px}td,th{border-bottom:1px solid #eaeef2;padding:4px 6px;text-align:left}
.critical{color:#cf222e;font-weight:600}.warning{color:#9a6700}
svg .panel{fill:#f6f8fa;stroke:#eaeef2}svg .metric{fill:none;stroke:#0969da;stroke-width:1.4}svg .score{fill:none;stroke:#8250df;stroke-width:1.6}
svg .threshold{fill:none;stroke:#cf222e;stroke-dasharray:5 4;stroke-width:1.2}svg .anomaly{fill:#cf222e}
svg .alert{stroke:#cf222e;stroke-dasharray:3 3}svg .scale{stroke:#1a7f37;stroke-width:2}
svg text{font:11px system-ui,sans-serif;fill:#57606a}svg .label,svg .tick{text-anchor:end}svg .label{font-weight:600;fill:#1b1f24}svg .time{text-anchor:middle}
svg .event-alert{fill:#cf222e;text-anchor:middle}svg .event-scale{fill:#1a7f37;text-anchor:middle}
.legend{color:#57606a;font-size:12px}.k{display:inline-block;width:18px;height:0;border-top:2px solid;margin:0 4px 3px 10px;vertical-align:middle}
.k.metric{border-color:#0969da}.k.score{border-color:#8250df}.k.threshold{border-color:#cf222e;border-top-style:dashed}.k.alert{border-color:#cf222e;border-top-style:dotted}.k.scale{border-color:#1a7f37}
.dot{display:inline-block;width:8px;height:8px;border-radius:4px;background:#cf222e;margin:0 4px 0 10px}
</style></head><body>
<h1>Container anomalies — ${escapeHtml(data.environment)}</h1>
<p>${data.cycles} detection cycles, seed ${data.seed}, generated ${escapeHtml(data.generatedAt)}. ${data.rows.length} anomalies in ${services.length} services.</p>
<table><thead><tr><th>time (UTC)</th><th>service</th><th>container</th><th>kind</th><th>severity</th><th>top metric</th><th>action</th></tr></thead><tbody>
${rows || '<tr><td colspan="7">No anomalies.</td></tr>'}
</tbody></table>
${sections.join('\n')}
</body></html>
`;
}
