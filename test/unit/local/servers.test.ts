import { FleetSim } from '../../../src/sim/fleet';
import { startSplunkServer } from '../../../src/local/splunk-server';
import { entityIdOf, startDynatraceServer } from '../../../src/local/dynatrace-server';
import { SplunkSource } from '../../../src/adapters/splunk/source';
import { DynatraceSource } from '../../../src/adapters/dynatrace/source';
import { joinCounts, mergeSamples } from '../../../src/core/merge';
import { DEFAULT_DYNATRACE_DIMENSIONS, DEFAULT_DYNATRACE_METRICS, DEFAULT_SPLUNK_FIELDS, defaultEntitySelector, defaultSpl } from '../../../src/config/source-defaults';
import { RotatingSecrets } from '../../support/secrets';
import { noDeadline } from '../../support/fakes';

const start = Date.UTC(2026, 10, 16);
const window = { earliest: new Date(start + 3600_000), latest: new Date(start + 3600_000 + 600_000) };
const spl = defaultSpl('x', DEFAULT_SPLUNK_FIELDS, 'local-apps');
const splunkOptions = { baseUrl: '', spl, authScheme: 'bearer' as const, secretPath: 's', fields: DEFAULT_SPLUNK_FIELDS };
const dynatraceOptions = { environmentUrl: '', resolution: '1m', entitySelector: defaultEntitySelector('local-apps'), secretPath: 'd', dimensions: DEFAULT_DYNATRACE_DIMENSIONS, metrics: DEFAULT_DYNATRACE_METRICS };

describe('local Splunk and Dynatrace servers, read by the real collectors', () => {
  const sim = new FleetSim({ seed: 3, startMs: start });
  let splunk: Awaited<ReturnType<typeof startSplunkServer>>;
  let dynatrace: Awaited<ReturnType<typeof startDynatraceServer>>;
  let lacking: Awaited<ReturnType<typeof startDynatraceServer>>;
  const secrets = () => new RotatingSecrets({ s: { token: 's-token-1' }, d: { apiToken: 'dt0c01.one' } });
  beforeAll(async () => {
    splunk = await startSplunkServer({ sim, acceptedAuthorization: ['Bearer s-token-1'] });
    dynatrace = await startDynatraceServer({ sim, acceptedTokens: ['dt0c01.one'], pageSize: 10 });
    lacking = await startDynatraceServer({ sim, acceptedTokens: ['dt0c01.one'], missingKeys: ['builtin:containers.disk.iops'] });
  });
  afterAll(async () => {
    await Promise.all([splunk.close(), dynatrace.close(), lacking.close()]);
  });

  it('serves every container through both APIs with the default mapping, and the merge joins them', async () => {
    const fromSplunk = await new SplunkSource({ ...splunkOptions, baseUrl: splunk.url }, { secrets: secrets() }).collect(window, noDeadline);
    const requestsBefore = dynatrace.requests;
    const fromDynatrace = await new DynatraceSource({ ...dynatraceOptions, environmentUrl: dynatrace.url }, { secrets: secrets() }).collect(window, noDeadline);
    expect(dynatrace.requests - requestsBefore).toBe(4); // 36 containers, 10 a page, all four selectors in each request
    expect(fromSplunk.samples).toHaveLength(36);
    expect(fromDynatrace.samples).toHaveLength(36);
    expect(fromDynatrace.missingMetrics).toEqual([]);
    const merged = mergeSamples([...fromSplunk.samples, ...fromDynatrace.samples], { now: window.latest, staleAfterMs: 600_000 });
    expect(merged.samples).toHaveLength(36);
    expect(merged.dropped).toEqual({});
    expect(joinCounts(merged.samples)).toEqual({ joined: 36, bySource: { splunk: 36, dynatrace: 36 } });
    const c = sim.containers[0];
    const viaSplunk = fromSplunk.samples.find((s) => s.containerId === c.containerId)!;
    const expectedCpu = (sim.sample(c, 13).cpu_pct + sim.sample(c, 14).cpu_pct) / 2;
    expect(viaSplunk.metrics.cpu_pct).toBeCloseTo(expectedCpu, 3);
  });

  it('answers Dynatrace queries in the documented shape: entity ids, names only with :names, one result per selector', async () => {
    const params = new URLSearchParams({ metricSelector: 'builtin:containers.cpu.usagePercent,builtin:containers.memory.usagePercent:names', from: String(window.earliest.getTime()), to: String(window.latest.getTime()), resolution: '5m' });
    const res = await fetch(`${dynatrace.url}/api/v2/metrics/query?${params}`, { headers: { Authorization: 'Api-Token dt0c01.one' } });
    const body = (await res.json()) as { totalCount: number; nextPageKey: string; resolution: string; result: Array<{ metricId: string; data: Array<{ dimensionMap: Record<string, string>; timestamps: number[]; values: unknown[] }> }> };
    expect(body).toMatchObject({ totalCount: 72, resolution: '5m', nextPageKey: expect.any(String) });
    expect(body.result.map((r) => r.metricId)).toEqual(['builtin:containers.cpu.usagePercent', 'builtin:containers.memory.usagePercent:names']);
    const id = entityIdOf(sim.containers[0].containerId);
    expect(id).toMatch(/^CONTAINER_GROUP_INSTANCE-[0-9A-F]{16}$/);
    expect(body.result[0].data[0].dimensionMap).toEqual({ 'dt.entity.container_group_instance': id });
    expect(body.result[1].data[0].dimensionMap).toEqual({ 'dt.entity.container_group_instance': id, 'dt.entity.container_group_instance.name': sim.containers[0].containerId });
    expect(body.result[0].data[0].timestamps).toHaveLength(body.result[0].data[0].values.length);
  });

  it('answers 404 for a metric key the tenant lacks, which the collector degrades alone', async () => {
    const batch = await new DynatraceSource({ ...dynatraceOptions, environmentUrl: lacking.url }, { secrets: secrets() }).collect(window, noDeadline);
    expect(batch.samples).toHaveLength(36);
    expect(batch.missingMetrics).toEqual([{ metric: 'disk_iops', reason: expect.stringContaining('(404): The metric key builtin:containers.disk.iops could not be found') }]);
  });

  it('filters to the cluster the searches name', async () => {
    const other = { ...splunkOptions, baseUrl: splunk.url, spl: defaultSpl('x', DEFAULT_SPLUNK_FIELDS, 'apps-prod') };
    await expect(new SplunkSource(other, { secrets: secrets() }).collect(window, noDeadline)).rejects.toThrow('Splunk returned an empty response');
    await expect(new DynatraceSource({ ...dynatraceOptions, environmentUrl: dynatrace.url, entitySelector: defaultEntitySelector('apps-prod') }, { secrets: secrets() }).collect(window, noDeadline))
      .rejects.toThrow('Dynatrace gave none of the configured metrics');
  });

  it('rejects a rotated-out credential, which the collector recovers from by re-reading the secret', async () => {
    const rotating = new RotatingSecrets({ s: { token: 's-token-1' } });
    await rotating.get('s');
    splunk.accept(['Bearer s-token-2']);
    rotating.rotate('s', { token: 's-token-2' });
    const batch = await new SplunkSource({ ...splunkOptions, baseUrl: splunk.url }, { secrets: rotating }).collect(window, noDeadline);
    expect(batch).toMatchObject({ recoveredFromRotation: true, secretVersion: 2 });
    splunk.accept(['Bearer s-token-1']);
  });

  it('answers a bad search with a 400 and Splunk’s FATAL message', async () => {
    await expect(new SplunkSource({ ...splunkOptions, baseUrl: splunk.url, spl: 'stats count' }, { secrets: secrets() }).collect(window, noDeadline))
      .rejects.toThrow("Splunk rejected the search (400): FATAL: Unknown search command 'stats'.");
  });

  it('rate-limits Dynatrace queries with Retry-After, which the collector waits out', async () => {
    dynatrace.rateLimitNext(1, 0);
    const batch = await new DynatraceSource({ ...dynatraceOptions, environmentUrl: dynatrace.url }, { secrets: secrets() }).collect(window, noDeadline);
    expect(batch.samples).toHaveLength(36);
  });

  it('refuses an unknown Dynatrace token with its error envelope', async () => {
    const res = await fetch(`${dynatrace.url}/api/v2/metrics/query?metricSelector=cpu`, { headers: { Authorization: 'Api-Token nope' } });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: { code: 401, message: 'Token Authentication failed' } });
  });
});
