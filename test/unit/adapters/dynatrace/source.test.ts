import { DynatraceSource, latestPoint, retryAfterMs } from '../../../../src/adapters/dynatrace/source';
import { RotatingSecrets } from '../../../support/secrets';
import { noDeadline } from '../../../support/fakes';
import type { MetricName } from '../../../../src/core/model';

const window = { earliest: new Date('2026-11-24T09:50:00Z'), latest: new Date('2026-11-24T10:00:00Z') };
const t0 = Date.parse('2026-11-24T09:58:00Z');
const selectors: Record<MetricName, string> = { cpu_pct: 'cpu', mem_pct: 'mem', net_mbps: 'net:rate(1s)', disk_iops: 'disk' };
const options = { environmentUrl: 'https://abc.live.dynatrace.com/', metricSelectors: selectors, resolution: '1m', entitySelector: 'type(CONTAINER_GROUP_INSTANCE)', secretPath: 'ca/dynatrace' };
const series = (id: string, values: Array<number | null>) => ({
  dimensions: [id], dimensionMap: { 'dt.entity.container_group_instance': id, 'aws.ecs.service': 'api', 'aws.ecs.cluster': 'apps' },
  timestamps: values.map((_, i) => t0 + i * 60_000), values,
});
const page = (metric: string, data: unknown[], nextPageKey: string | null = null) => ({ totalCount: data.length, nextPageKey, resolution: '1m', result: [{ metricId: metric, data }] });

function dynatrace(handler: (url: URL, auth: string) => Response) {
  const calls: URL[] = [];
  const fetchFn = async (url: string, init?: RequestInit) => {
    const u = new URL(url);
    calls.push(u);
    return handler(u, (init?.headers as Record<string, string>).Authorization);
  };
  return { calls, fetchFn };
}
const json = (body: unknown, status = 200, headers: Record<string, string> = {}) => new Response(JSON.stringify(body), { status, headers });

describe('DynatraceSource', () => {
  it('queries each selector with resolution, window and entity selector, authenticated with Api-Token', async () => {
    const secrets = new RotatingSecrets({ 'ca/dynatrace': { apiToken: 'dt0c01.TOKEN1' } });
    const d = dynatrace((u) => json(page(u.searchParams.get('metricSelector')!, [series('C-1', [10, 20])])));
    const batch = await new DynatraceSource(options, { secrets, fetch: d.fetchFn }).collect(window, noDeadline);
    expect(d.calls.map((u) => u.searchParams.get('metricSelector')).sort()).toEqual(['cpu', 'disk', 'mem', 'net:rate(1s)']);
    expect(Object.fromEntries(d.calls[0].searchParams)).toMatchObject({ resolution: '1m', from: String(window.earliest.getTime()), to: String(window.latest.getTime()), entitySelector: 'type(CONTAINER_GROUP_INSTANCE)' });
    expect(d.calls[0].pathname).toBe('/api/v2/metrics/query');
    expect(batch.samples).toEqual([
      { containerId: 'C-1', service: 'api', cluster: 'apps', timestamp: '2026-11-24T09:59:00.000Z', metrics: { cpu_pct: 20, mem_pct: 20, net_mbps: 20 * 8e-6, disk_iops: 20 }, source: 'dynatrace' },
    ]);
  });

  it('treats null points as gaps, not zeros: the latest real value wins, and an all-null series gives nothing', async () => {
    expect(latestPoint(series('x', [5, 7, null, null]))).toEqual({ value: 7, at: t0 + 60_000 });
    expect(latestPoint(series('x', [null, null]))).toBeUndefined();
    const secrets = new RotatingSecrets({ 'ca/dynatrace': { apiToken: 'dt0c01.TOKEN1' } });
    const d = dynatrace((u) => json(page('m', [series('C-1', u.searchParams.get('metricSelector') === 'mem' ? [null, null] : [3, null])])));
    const batch = await new DynatraceSource(options, { secrets, fetch: d.fetchFn }).collect(window, noDeadline);
    expect(batch.samples[0].metrics).toEqual({ cpu_pct: 3, net_mbps: 3 * 8e-6, disk_iops: 3 });
  });

  it('follows nextPageKey, sending only the key on later pages', async () => {
    const secrets = new RotatingSecrets({ 'ca/dynatrace': { apiToken: 'dt0c01.TOKEN1' } });
    const d = dynatrace((u) => {
      if (u.searchParams.get('nextPageKey') === 'p2') return json(page('m', [series('C-2', [2])]));
      return json(page('m', [series('C-1', [1])], 'p2'));
    });
    const batch = await new DynatraceSource(options, { secrets, fetch: d.fetchFn }).collect(window, noDeadline);
    expect(batch.samples.map((s) => s.containerId).sort()).toEqual(['C-1', 'C-2']);
    const follow = d.calls.find((u) => u.searchParams.has('nextPageKey'))!;
    expect([...follow.searchParams.keys()]).toEqual(['nextPageKey']);
  });

  it('waits out a 429 within the run’s budget', async () => {
    const secrets = new RotatingSecrets({ 'ca/dynatrace': { apiToken: 'dt0c01.TOKEN1' } });
    let limited = false;
    const waits: number[] = [];
    const d = dynatrace(() => {
      if (!limited) {
        limited = true;
        return json({ error: { code: 429, message: 'Too Many Requests' } }, 429, { 'Retry-After': '2' });
      }
      return json(page('m', [series('C-1', [1])]));
    });
    const batch = await new DynatraceSource(options, { secrets, fetch: d.fetchFn, sleep: async (ms) => { waits.push(ms); } }).collect(window, noDeadline);
    expect(waits).toEqual([2000]);
    expect(batch.samples).toHaveLength(1);
  });

  it('fails clearly when the 429 wait does not fit in the run', async () => {
    const secrets = new RotatingSecrets({ 'ca/dynatrace': { apiToken: 'dt0c01.TOKEN1' } });
    const d = dynatrace(() => json({ error: { code: 429, message: 'Too Many Requests' } }, 429, { 'Retry-After': '30' }));
    await expect(new DynatraceSource(options, { secrets, fetch: d.fetchFn, sleep: async () => undefined }).collect(window, { remainingMs: () => 20_000 }))
      .rejects.toThrow(/Dynatrace rate limit \(429\) for \w+: retry in 30 s does not fit in this run/);
  });

  it('re-reads a rotated token after a 401 and recovers in the same run', async () => {
    const secrets = new RotatingSecrets({ 'ca/dynatrace': { apiToken: 'dt0c01.OLD' } });
    await secrets.get('ca/dynatrace');
    secrets.rotate('ca/dynatrace', { apiToken: 'dt0c01.NEW' });
    const d = dynatrace((_url, auth) => (auth === 'Api-Token dt0c01.NEW' ? json(page('m', [series('C-1', [1])])) : json({ error: { code: 401, message: 'Token Authentication failed' } }, 401)));
    const batch = await new DynatraceSource(options, { secrets, fetch: d.fetchFn }).collect(window, noDeadline);
    expect(batch).toMatchObject({ recoveredFromRotation: true, secretVersion: 2 });
  });

  it('names the metric and Dynatrace’s message on other errors, and counts series without a container id', async () => {
    const secrets = new RotatingSecrets({ 'ca/dynatrace': { apiToken: 'dt0c01.TOKEN1' } });
    const bad = dynatrace(() => json({ error: { code: 400, message: 'The metric selector is invalid' } }, 400));
    await expect(new DynatraceSource(options, { secrets, fetch: bad.fetchFn }).collect(window, noDeadline)).rejects.toThrow(/Dynatrace query for \w+ failed \(400\): The metric selector is invalid/);
    const anonymous = dynatrace(() => json(page('m', [{ dimensionMap: {}, timestamps: [t0], values: [1] }])));
    const batch = await new DynatraceSource(options, { secrets, fetch: anonymous.fetchFn }).collect(window, noDeadline);
    expect(batch.dropped).toEqual({ missing_id: 4 });
  });

  it('reads Retry-After as seconds or a date, and X-RateLimit-Reset in microseconds', () => {
    const now = Date.parse('2026-11-24T10:00:00Z');
    expect(retryAfterMs(new Headers({ 'retry-after': '3' }), now)).toBe(3000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'Tue, 24 Nov 2026 10:00:05 GMT' }), now)).toBe(5000);
    expect(retryAfterMs(new Headers({ 'x-ratelimit-reset': String((now + 4000) * 1000) }), now)).toBe(4000);
  });
});
