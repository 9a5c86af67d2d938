import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM, screenshot } from '../support/chromium';

const root = join(__dirname, '..', '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');

function startLocal(args: string[]) {
  const cwd = mkdtempSync(join(tmpdir(), 'cad-local-'));
  // The simulated run keeps its secrets in a file; a developer's Vault must not leak in.
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.VAULT_ADDR;
  delete env.VAULT_TOKEN;
  const result = spawnSync(tsx, [join(root, 'scripts', 'local-run.ts'), ...args], { cwd, env, encoding: 'utf8', timeout: 120_000 });
  return { cwd, ...result };
}

describe('npm start (local run on embedded defaults)', () => {
  const reportDir = mkdtempSync(join(tmpdir(), 'cad-report-'));
  const first = startLocal(['--cycles', '56', '--seed', '5', '--history-days', '3', '--report', join(reportDir, 'a.html')]);

  it('exits 0 and prints progress, one line per cycle and the closing summary', () => {
    expect(first.stderr).not.toMatch(/npm start:/);
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/Replaying 3 days of history for 36 containers \[#+\] 100%/);
    expect(first.stdout.match(/^cycle +\d+ +\d\d:\d\d +containers 36 +anomalies \d+ +actions \d+ +joined 36/gm)).toHaveLength(56);
    expect(first.stdout).toMatch(/cycle +service +container +kind +severity +top metric +action/);
    expect(first.stdout).toContain('Sources: Splunk and Dynatrace joined on 36 of 36 containers per cycle; 0 of 56 cycles had a source or metric missing');
    expect(first.stdout).toMatch(/traffic-surge +checkout-api-0000 +120 min +found at cycle \d+/);
    expect(first.stdout).toMatch(/cpu-runaway +search-api-0001 +120 min +found at cycle \d+/);
  });

  it('writes the archive with the S3 key layout, the alerts file and the report', () => {
    const alerts = readFileSync(join(first.cwd, '.local', 'alerts.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(alerts.length).toBeGreaterThan(0);
    expect(alerts[0]).toMatchObject({ attributes: { environment: 'local' }, body: { environment: 'local' } });
    const archived = statSync(join(first.cwd, '.local', 'archive', 'metrics', 'env=local', 'date=2026-11-19', 'hour=00', 'local-0001.jsonl.gz'));
    expect(archived.size).toBeGreaterThan(1000);
    const report = readFileSync(join(reportDir, 'a.html'), 'utf8');
    expect(report).toContain('<section id="checkout-api">');
    expect(report).toContain('checkout-api-0000');
    expect(report).toMatch(/<path d="M[^"]+" class="score"/);
  });

  it('is deterministic for a seed', () => {
    const second = startLocal(['--cycles', '56', '--seed', '5', '--history-days', '3', '--report', join(reportDir, 'b.html')]);
    const table = (out: string) => out.split('\n').filter((l) => /^cycle|^\d+ {2,}\S|Injected|^ {2}\S/.test(l)).join('\n');
    expect(table(second.stdout)).toBe(table(first.stdout));
    expect(readFileSync(join(reportDir, 'b.html'), 'utf8')).toBe(readFileSync(join(reportDir, 'a.html'), 'utf8'));
  });

  it('rejects bad flags with a clear message', () => {
    const bad = startLocal(['--cycles', 'zero']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('--cycles must be a positive whole number, got zero');
  });

  const browser = CHROMIUM ? it : it.skip;
  if (!CHROMIUM) console.log('chromium is not installed: the report browser check is skipped (install Debian package "chromium")');
  browser('renders the report in headless Chromium with its charts drawn', () => {
    // The screenshot is one viewport: without the anomaly table (as long as the run's anomalies), the charts fill it.
    const html = readFileSync(join(reportDir, 'a.html'), 'utf8').replace(/<table>[\s\S]*?<\/table>/, '');
    writeFileSync(join(reportDir, 'charts.html'), html);
    writeFileSync(join(reportDir, 'no-charts.html'), html.replace(/<svg[\s\S]*?<\/svg>/g, ''));
    screenshot(`file://${join(reportDir, 'charts.html')}`, join(reportDir, 'a.png'));
    screenshot(`file://${join(reportDir, 'no-charts.html')}`, join(reportDir, 'no-charts.png'));
    // Drawn lines and text compress far worse than empty page: the charts are there.
    expect(statSync(join(reportDir, 'a.png')).size).toBeGreaterThan(1.5 * statSync(join(reportDir, 'no-charts.png')).size);
  });
});
