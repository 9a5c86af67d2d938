import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FleetSim, STEP_MS } from '../../../src/sim/fleet';
import { startSplunkServer, type LocalSplunk } from '../../../src/local/splunk-server';
import { startDynatraceServer, type LocalDynatrace } from '../../../src/local/dynatrace-server';

const root = join(__dirname, '..', '..', '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');

/** Runs the script as `npm run check-sources` does (asynchronously: the servers live in this process). */
function checkSources(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(tsx, [join(root, 'scripts', 'check-sources.ts'), ...args], { cwd: root, env: { ...process.env, VAULT_ADDR: '', VAULT_TOKEN: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('npm run check-sources, against the local Splunk and Dynatrace servers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cad-check-'));
  const sim = new FleetSim({ seed: 2, startMs: Date.now() - 24 * STEP_MS, cluster: 'apps-dev' });
  let splunk: LocalSplunk;
  let dynatrace: LocalDynatrace;
  let lacking: LocalDynatrace;
  const secretsFile = join(dir, 'secrets.json');
  const sourcesFile = (name: string, splunkUrl: string, dynatraceUrl: string, extra: Record<string, unknown> = {}) => {
    const path = join(dir, `${name}.json`);
    writeFileSync(path, JSON.stringify({ splunk: { baseUrl: splunkUrl, ...extra }, dynatrace: { environmentUrl: dynatraceUrl } }));
    return path;
  };
  beforeAll(async () => {
    splunk = await startSplunkServer({ sim, acceptedAuthorization: ['Bearer splunk-token'] });
    dynatrace = await startDynatraceServer({ sim, acceptedTokens: ['dt0c01.token'] });
    lacking = await startDynatraceServer({ sim, acceptedTokens: ['dt0c01.token'], missingKeys: ['builtin:containers.disk.iops'] });
    writeFileSync(secretsFile, JSON.stringify({ splunk: { token: 'splunk-token' }, dynatrace: { apiToken: 'dt0c01.token' } }));
  });
  afterAll(async () => {
    await Promise.all([splunk.close(), dynatrace.close(), lacking.close()]);
  });

  it('reports both sources and their join as JSON, and exits 0', async () => {
    const run = await checkSources(['--sources', sourcesFile('ok', splunk.url, dynatrace.url), '--cluster', 'apps-dev', '--secrets-file', secretsFile, '--json']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.sources).toEqual([
      expect.objectContaining({ source: 'splunk', ok: true, answered: true, rows: 36, containers: 36, metricsFound: ['cpu_pct', 'mem_pct', 'net_mbps', 'disk_iops'], metricsMissing: [], dropped: {} }),
      expect.objectContaining({ source: 'dynatrace', ok: true, rows: 144, containers: 36, metricsMissing: [] }),
    ]);
    expect(Math.abs(report.sources[0].clockSkewMs)).toBeLessThanOrEqual(1000);
    expect(report).toMatchObject({ containers: 36, join: { joined: 36 } });
  });

  it('says in plain words what is missing, and exits 1 when no container has every metric', async () => {
    const renamed = sourcesFile('renamed', splunk.url, lacking.url, { fields: { container: 'container.id' } });
    const run = await checkSources(['--sources', renamed, '--cluster', 'apps-dev', '--secrets-file', secretsFile]);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('splunk: FAILED');
    expect(run.stdout).toContain('first problem: Splunk returned 36 rows but no usable container: field container.id is in no row (rows have: container_id, service, cluster, _time');
    expect(run.stdout).toContain('dynatrace: answered, but of no use');
    expect(run.stdout).toContain('first problem: none of its 36 containers has every metric after the merge');
    expect(run.stdout).toContain('metric missing: disk_iops (Dynatrace refused builtin:containers.disk.iops:names (404): The metric key builtin:containers.disk.iops could not be found)');
    expect(run.stdout).toContain('PROBLEM: no container has all of cpu_pct, mem_pct, net_mbps, disk_iops: nothing would be scored');
  });

  it('rejects an invalid sources file naming the field', async () => {
    const bad = sourcesFile('bad', 'http://splunk.example.com', dynatrace.url);
    const run = await checkSources(['--sources', bad, '--cluster', 'apps-dev', '--secrets-file', secretsFile]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('splunk.baseUrl: must use https://');
  });

  it('redacts a credential an upstream message echoes back (a Splunk FATAL quoting the request)', async () => {
    // Splunk's export streams search messages as {"preview":false,"messages":[{"type":"FATAL","text":…}]} lines
    // (REST API Reference, search/jobs/export, output_mode=json); this gateway echoes the request's header in one.
    const echo: Server = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`${JSON.stringify({ preview: false, messages: [{ type: 'FATAL', text: `bad request from ${req.headers.authorization}` }] })}\n`);
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
      const run = await checkSources(['--sources', sourcesFile('echo', url, dynatrace.url), '--cluster', 'apps-dev', '--secrets-file', secretsFile]);
      expect(run.stdout).toContain('splunk: FAILED');
      expect(`${run.stdout}${run.stderr}`).not.toContain('splunk-token');
    } finally {
      await new Promise((resolve) => echo.close(resolve));
    }
  });
});
