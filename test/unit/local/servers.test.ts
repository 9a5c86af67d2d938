import { FleetSim } from '../../../src/sim/fleet';
import { startSplunkServer } from '../../../src/local/splunk-server';
import { startDynatraceServer } from '../../../src/local/dynatrace-server';
import { SplunkSource } from '../../../src/adapters/splunk/source';
import { DynatraceSource } from '../../../src/adapters/dynatrace/source';
import { mergeSamples } from '../../../src/core/merge';
import { RotatingSecrets } from '../../support/secrets';
import { noDeadline } from '../../support/fakes';
import type { MetricName } from '../../../src/core/model';

const start = Date.UTC(2026, 10, 16);
const selectors: Record<MetricName, string> = { cpu_pct: 'cpu', mem_pct: 'mem', net_mbps: 'net', disk_iops: 'disk' };
const window = { earliest: new Date(start + 3600_000), latest: new Date(start + 3600_000 + 600_000) };

describe('local Splunk and Dynatrace servers, read by the real collectors', () => {
  const sim = new FleetSim({ seed: 3, startMs: start });
  let splunk: Awaited<ReturnType<typeof startSplunkServer>>;
  let dynatrace: Awaited<ReturnType<typeof startDynatraceServer>>;
  beforeAll(async () => {
    splunk = await startSplunkServer({ sim, acceptedAuthorization: ['Bearer s-token-1'] });
    dynatrace = await startDynatraceServer({ sim, selectors, acceptedTokens: ['dt0c01.one'], pageSize: 10 });
  });
  afterAll(async () => {
    await splunk.close();
    await dynatrace.close();
  });

  it('serves every container through both APIs, and the merge makes complete samples of them', async () => {
    const secrets = new RotatingSecrets({ s: { token: 's-token-1' }, d: { apiToken: 'dt0c01.one' } });
    const fromSplunk = await new SplunkSource({ baseUrl: splunk.url, spl: 'search index=x', authScheme: 'bearer', secretPath: 's' }, { secrets }).collect(window, noDeadline);
    const fromDynatrace = await new DynatraceSource({ environmentUrl: dynatrace.url, metricSelectors: selectors, resolution: '1m', entitySelector: 'type(CONTAINER_GROUP_INSTANCE)', secretPath: 'd' }, { secrets }).collect(window, noDeadline);
    expect(fromSplunk.samples).toHaveLength(36);
    expect(fromDynatrace.samples).toHaveLength(36);
    const merged = mergeSamples([...fromSplunk.samples, ...fromDynatrace.samples]);
    expect(merged.samples).toHaveLength(36);
    expect(merged.dropped).toEqual({});
    const c = sim.containers[0];
    const viaSplunk = fromSplunk.samples.find((s) => s.containerId === c.containerId)!;
    const expectedCpu = (sim.sample(c, 13).cpu_pct + sim.sample(c, 14).cpu_pct) / 2;
    expect(viaSplunk.metrics.cpu_pct).toBeCloseTo(expectedCpu, 3);
  });

  it('rejects a rotated-out credential, which the collector recovers from by re-reading the secret', async () => {
    const secrets = new RotatingSecrets({ s: { token: 's-token-1' } });
    await secrets.get('s');
    splunk.accept(['Bearer s-token-2']);
    secrets.rotate('s', { token: 's-token-2' });
    const batch = await new SplunkSource({ baseUrl: splunk.url, spl: 'search index=x', authScheme: 'bearer', secretPath: 's' }, { secrets }).collect(window, noDeadline);
    expect(batch).toMatchObject({ recoveredFromRotation: true, secretVersion: 2 });
    splunk.accept(['Bearer s-token-1']);
  });

  it('answers a bad search with a 400 and Splunk’s FATAL message', async () => {
    const secrets = new RotatingSecrets({ s: { token: 's-token-1' } });
    await expect(new SplunkSource({ baseUrl: splunk.url, spl: 'stats count', authScheme: 'bearer', secretPath: 's' }, { secrets }).collect(window, noDeadline))
      .rejects.toThrow("Splunk rejected the search (400): FATAL: Unknown search command 'stats'.");
  });

  it('rate-limits Dynatrace queries with Retry-After, which the collector waits out', async () => {
    const secrets = new RotatingSecrets({ d: { apiToken: 'dt0c01.one' } });
    dynatrace.rateLimitNext(1, 0);
    const batch = await new DynatraceSource({ environmentUrl: dynatrace.url, metricSelectors: selectors, resolution: '1m', entitySelector: 'e', secretPath: 'd' }, { secrets }).collect(window, noDeadline);
    expect(batch.samples).toHaveLength(36);
  });

  it('refuses an unknown Dynatrace token with its error envelope', async () => {
    const res = await fetch(`${dynatrace.url}/api/v2/metrics/query?metricSelector=cpu`, { headers: { Authorization: 'Api-Token nope' } });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: { code: 401, message: 'Token Authentication failed' } });
  });
});
