import { escapeHtml, renderReport, type ReportData } from '../../../src/report/html';

const t0 = Date.UTC(2026, 10, 19, 6);
const points = Array.from({ length: 12 }, (_, i) => ({
  t: t0 + i * 300_000,
  metrics: { cpu_pct: 30 + (i === 8 ? 50 : 0), mem_pct: 40, net_mbps: 20, disk_iops: 100 },
  score: i === 8 ? 30 : 5,
  threshold: 12,
  anomaly: i === 8,
}));
const data: ReportData = {
  environment: 'local',
  generatedAt: '2026-11-19T07:00:00.000Z',
  seed: 1,
  cycles: 12,
  rows: [{ at: '2026-11-19 06:40', service: 'search-api', containerId: 'search-api-0001', kind: 'saturation', severity: 'critical', topMetric: 'cpu_pct', action: 'would-scale 3→5' }],
  series: [{ containerId: 'search-api-0001', service: 'search-api', points }],
  events: [{ t: t0 + 8 * 300_000, service: 'search-api', kind: 'alert', label: '[local] CRITICAL' }, { t: t0 + 8 * 300_000, service: 'search-api', kind: 'scale', label: 'would-scale' }],
};

describe('HTML report', () => {
  const html = renderReport(data);

  it('is one self-contained page: no scripts and no external resources', () => {
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
  });

  it('lists each anomaly with service, kind, severity, top metric and action', () => {
    expect(html).toContain('<td><a href="#search-api">search-api</a></td><td>search-api-0001</td><td>saturation</td><td class="critical">critical</td><td>cpu_pct</td><td>would-scale 3→5</td>');
  });

  it('draws every metric, the score and threshold, anomaly points and event markers for the service', () => {
    const svg = html.slice(html.indexOf('<svg'));
    for (const label of ['CPU %', 'Memory %', 'Network Mbit/s', 'Disk IOPS', 'Anomaly score']) expect(svg).toContain(`>${label}<`);
    expect(svg.match(/<path d="M[^"]+" class="metric"/g)).toHaveLength(4);
    expect(svg).toContain('class="threshold"');
    expect(svg.match(/class="anomaly"/g)).toHaveLength(1);
    expect(svg).toMatch(/<line [^>]*class="alert"/);
    expect(svg).toMatch(/<line [^>]*class="scale"/);
  });

  it('escapes text from the data', () => {
    expect(escapeHtml('<a href="x">&</a>')).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;');
  });
});
