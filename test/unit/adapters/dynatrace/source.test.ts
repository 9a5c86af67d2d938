import { DynatraceSource, latestPoint, retryAfterMs } from '../../../../src/adapters/dynatrace/source';
import { DEFAULT_DYNATRACE_DIMENSIONS } from '../../../../src/config/source-defaults';
import { mergeSamples } from '../../../../src/core/merge';
import { RotatingSecrets } from '../../../support/secrets';
import { noDeadline, partial } from '../../../support/fakes';

const window = { earliest: new Date('2026-11-24T09:50:00Z'), latest: new Date('2026-11-24T10:00:00Z') };
const t0 = Date.parse('2026-11-24T09:57:00Z');
const metrics = {
  cpu_pct: { selector: 'builtin:containers.cpu.usagePercent:names', unitScale: 1 },
  mem_pct: { selector: 'builtin:containers.memory.usagePercent:names', unitScale: 1 },
  net_mbps: { selector: 'builtin:containers.net.bytesRx:rate(1s):names', unitScale: 8e-6 },
  disk_iops: { selector: 'builtin:containers.disk.iops:names', unitScale: 1 },
};
const options = { environmentUrl: 'https://abc.live.dynatrace.com/', resolution: '1m', entitySelector: 'type(CONTAINER_GROUP_INSTANCE)', secretPath: 'ca/dynatrace', dimensions: DEFAULT_DYNATRACE_DIMENSIONS, metrics };
const secrets = () => new RotatingSecrets({ 'ca/dynatrace': { apiToken: 'dt0c01.TOKEN1' } });

/**
 * A series as the Metrics API v2 documents it (docs.dynatrace.com, "Metrics API -
 * GET metric data points", `MetricSeries`): the built-in container metrics are
 * split by the entity id only; `:names` adds `<dimension>.name`. `timestamps`
 * and `values` run in parallel, `null` marking a gap.
 */
const series = (name: string, values: Array<number | null>) => ({
  dimensions: [`CONTAINER_GROUP_INSTANCE-${name.toUpperCase()}`, name],
  dimensionMap: { 'dt.entity.container_group_instance': `CONTAINER_GROUP_INSTANCE-${name.toUpperCase()}`, 'dt.entity.container_group_instance.name': name },
  timestamps: values.map((_, i) => t0 + i * 60_000),
  values,
});
/** `MetricData`: one `result[]` entry per selector of a comma-separated list, in the order asked. */
const page = (selectors: string[], data: (selector: string) => unknown[], nextPageKey: string | null = null) => ({
  totalCount: selectors.length,
  nextPageKey,
  resolution: '1m',
  result: selectors.map((metricId) => ({ metricId, dataPointCountRatio: 0.0001, dimensionCountRatio: 0.001, data: data(metricId) })),
});
const selectorsOf = (u: URL) => u.searchParams.get('metricSelector')!.split(/,(?=builtin:)/);

function dynatrace(handler: (url: URL, init: RequestInit) => Response | Promise<Response>) {
  const calls: URL[] = [];
  const fetchFn = async (url: string, init?: RequestInit) => {
    const u = new URL(url);
    calls.push(u);
    return handler(u, init ?? {});
  };
  return { calls, fetchFn };
}
const json = (body: unknown, status = 200, headers: Record<string, string> = {}) => new Response(JSON.stringify(body), { status, headers });
/** Dynatrace's error envelope, `{"error":{"code","message"}}`, as for an unknown metric key. */
const notFound = (key: string) => json({ error: { code: 404, message: `The metric key ${key} could not be found` } }, 404);

describe('DynatraceSource', () => {
  it('asks for every selector in one comma-separated request per page, with resolution, window and entity selector', async () => {
    const d = dynatrace((u) => json(page(selectorsOf(u), () => [series('api-1', [10, 20])])));
    const batch = await new DynatraceSource(options, { secrets: secrets(), fetch: d.fetchFn }).collect(window, noDeadline);
    expect(d.calls).toHaveLength(1);
    expect(Object.fromEntries(d.calls[0].searchParams)).toEqual({
      metricSelector: Object.values(metrics).map((m) => m.selector).join(','),
      resolution: '1m', from: String(window.earliest.getTime()), to: String(window.latest.getTime()), entitySelector: 'type(CONTAINER_GROUP_INSTANCE)',
    });
    expect(d.calls[0].pathname).toBe('/api/v2/metrics/query');
    const at = '2026-11-24T09:58:00.000Z';
    expect(batch.samples).toEqual([
      { containerId: 'api-1', service: '', cluster: '', timestamp: at, metrics: { cpu_pct: 20, mem_pct: 20, net_mbps: 20 * 8e-6, disk_iops: 20 }, observedAt: { cpu_pct: at, mem_pct: at, net_mbps: at, disk_iops: at }, source: 'dynatrace' },
    ]);
    expect(batch.stats).toMatchObject({ rows: 4, containers: 1, metricsFound: ['cpu_pct', 'mem_pct', 'net_mbps', 'disk_iops'], problems: [] });
  });

  // Bug: containers were keyed by the entity id and service/cluster read from dimensions the API does not return: nothing joined Splunk.
  it('keys containers by the entity name, so Dynatrace metrics join Splunk’s for the same container', async () => {
    const d = dynatrace((u) => json(page(selectorsOf(u), (s) => (s.includes('cpu') || s.includes('memory') ? [] : [series('api-1', [7])]))));
    const batch = await new DynatraceSource(options, { secrets: secrets(), fetch: d.fetchFn }).collect(window, noDeadline);
    const fromSplunk = partial('api-1', 'checkout-api', { cpu_pct: 40, mem_pct: 50 }, 'splunk', '2026-11-24T09:58:00.000Z');
    const merged = mergeSamples([fromSplunk, ...batch.samples], { now: window.latest, staleAfterMs: 600_000 });
    expect(merged.samples).toEqual([expect.objectContaining({ containerId: 'api-1', service: 'checkout-api', sources: ['dynatrace', 'splunk'], metrics: { cpu_pct: 40, mem_pct: 50, net_mbps: 7 * 8e-6, disk_iops: 7 } })]);
  });

  it('takes the container id out of the dimension value with the configured pattern', async () => {
    const d = dynatrace((u) => json(page(selectorsOf(u), () => [series('ecs-checkout-7-api-1-abcdef', [1])])));
    const batch = await new DynatraceSource({ ...options, dimensions: { ...DEFAULT_DYNATRACE_DIMENSIONS, containerPattern: '-(api-\\d+)-[0-9a-f]+$' } }, { secrets: secrets(), fetch: d.fetchFn }).collect(window, noDeadline);
    expect(batch.samples.map((s) => s.containerId)).toEqual(['api-1']);
  });

  it('fails the source, pointing at :names, when series arrive but none carries the container dimension', async () => {
    const noNames = { ...series('x', [1]), dimensionMap: { 'dt.entity.container_group_instance': 'CONTAINER_GROUP_INSTANCE-X' } };
    const d = dynatrace((u) => json(page(selectorsOf(u), () => [noNames])));
    await expect(new DynatraceSource(options, { secrets: secrets(), fetch: d.fetchFn }).collect(window, noDeadline)).rejects.toThrow(
      'Dynatrace returned 4 series but no usable container: dimension dt.entity.container_group_instance.name is in no series (series have: dt.entity.container_group_instance); a .name dimension needs :names on the selector',
    );
  });

  // Bug: a tenant without one metric answered 404 and the whole source was lost, CPU and memory too.
  it('degrades only the metric a tenant lacks: the list is refused, each selector is asked alone, the others are kept', async () => {
    const d = dynatrace((u) => {
      const asked = selectorsOf(u);
      if (asked.some((s) => s.includes('net.bytesRx'))) return notFound('builtin:containers.net.bytesRx');
      return json(page(asked, () => [series('api-1', [5])]));
    });
    const batch = await new DynatraceSource(options, { secrets: secrets(), fetch: d.fetchFn }).collect(window, noDeadline);
    expect(d.calls).toHaveLength(5);
    expect(batch.samples[0].metrics).toEqual({ cpu_pct: 5, mem_pct: 5, disk_iops: 5 });
    expect(batch.missingMetrics).toEqual([
      { metric: 'net_mbps', reason: 'Dynatrace refused builtin:containers.net.bytesRx:rate(1s):names (404): The metric key builtin:containers.net.bytesRx could not be found' },
    ]);
  });

  // Bug: when one query failed, the others kept running: a request went out after collect() had returned.
  it('aborts the requests still in flight when one query fails for good, before collect() returns', async () => {
    const aborted: string[] = [];
    const d = dynatrace((u, init) => {
      const asked = selectorsOf(u);
      if (asked.length > 1) return notFound('builtin:containers.net.bytesRx');
      if (asked[0].includes('cpu')) return json({ error: { code: 503, message: 'Service Unavailable' } }, 503);
      return new Promise<Response>((_, reject) => init.signal!.addEventListener('abort', () => (aborted.push(asked[0]), reject(init.signal!.reason))));
    });
    await expect(new DynatraceSource(options, { secrets: secrets(), fetch: d.fetchFn }).collect(window, noDeadline)).rejects.toThrow('Dynatrace query for cpu_pct failed (503): Service Unavailable');
    expect(aborted).toHaveLength(3);
  });

  it('aborts its requests when the collection’s signal fires', async () => {
    const controller = new AbortController();
    const d = dynatrace((_u, init) => new Promise<Response>((_, reject) => init.signal!.addEventListener('abort', () => reject(init.signal!.reason))));
    const pending = new DynatraceSource(options, { secrets: secrets(), fetch: d.fetchFn }).collect(window, noDeadline, controller.signal);
    setTimeout(() => controller.abort(new Error('collection budget spent')), 5);
    await expect(pending).rejects.toThrow('collection budget spent');
  });

  it('treats null points as gaps, not zeros: the latest real value wins, and an all-null series gives nothing', async () => {
    expect(latestPoint(series('x', [5, 7, null, null]))).toEqual({ value: 7, at: t0 + 60_000 });
    expect(latestPoint(series('x', [null, null]))).toBeUndefined();
    const d = dynatrace((u) => json(page(selectorsOf(u), (s) => [series('api-1', s.includes('memory') ? [null, null] : [3, null])])));
    const batch = await new DynatraceSource(options, { secrets: secrets(), fetch: d.fetchFn }).collect(window, noDeadline);
    expect(batch.samples[0].metrics).toEqual({ cpu_pct: 3, net_mbps: 3 * 8e-6, disk_iops: 3 });
    expect(batch.missingMetrics).toEqual([{ metric: 'mem_pct', reason: 'no usable series for builtin:containers.memory.usagePercent:names in the window' }]);
  });

  // Bug: timestamps and values of different lengths gave a bare RangeError.
  it('counts a series whose timestamps and values differ in length, instead of throwing', async () => {
    const broken = { ...series('api-2', [1, 2]), timestamps: [t0] };
    const d = dynatrace((u) => json(page(selectorsOf(u), () => [series('api-1', [1]), broken])));
    const batch = await new DynatraceSource(options, { secrets: secrets(), fetch: d.fetchFn }).collect(window, noDeadline);
    expect(batch.samples.map((s) => s.containerId)).toEqual(['api-1']);
    expect(batch.dropped).toEqual({ malformed_series: 4 });
  });

  it('follows nextPageKey, sending only the key on later pages', async () => {
    const d = dynatrace((u) => {
      if (u.searchParams.get('nextPageKey') === 'p2') return json(page(Object.values(metrics).map((m) => m.selector), () => [series('api-2', [2])]));
      return json(page(selectorsOf(u), () => [series('api-1', [1])], 'p2'));
    });
    const batch = await new DynatraceSource(options, { secrets: secrets(), fetch: d.fetchFn }).collect(window, noDeadline);
    expect(batch.samples.map((s) => s.containerId).sort()).toEqual(['api-1', 'api-2']);
    expect([...d.calls[1].searchParams.keys()]).toEqual(['nextPageKey']);
  });

  it('waits out a 429 within the run’s budget', async () => {
    let limited = false;
    const waits: number[] = [];
    const d = dynatrace((u) => {
      if (!limited) {
        limited = true;
        return json({ error: { code: 429, message: 'Too Many Requests' } }, 429, { 'Retry-After': '2' });
      }
      return json(page(selectorsOf(u), () => [series('api-1', [1])]));
    });
    const batch = await new DynatraceSource(options, { secrets: secrets(), fetch: d.fetchFn, sleep: async (ms) => { waits.push(ms); } }).collect(window, noDeadline);
    expect(waits).toEqual([2000]);
    expect(batch.samples).toHaveLength(1);
  });

  it('fails clearly when the 429 wait does not fit in the run', async () => {
    const d = dynatrace(() => json({ error: { code: 429, message: 'Too Many Requests' } }, 429, { 'Retry-After': '30' }));
    await expect(new DynatraceSource(options, { secrets: secrets(), fetch: d.fetchFn, sleep: async () => undefined }).collect(window, { remainingMs: () => 20_000 }))
      .rejects.toThrow('Dynatrace rate limit (429) for the container metrics: retry in 30 s does not fit in this run');
  });

  it('re-reads a rotated token after a 401 and recovers in the same run', async () => {
    const rotating = new RotatingSecrets({ 'ca/dynatrace': { apiToken: 'dt0c01.OLD' } });
    await rotating.get('ca/dynatrace');
    rotating.rotate('ca/dynatrace', { apiToken: 'dt0c01.NEW' });
    const d = dynatrace((u, init) =>
      (init.headers as Record<string, string>).Authorization === 'Api-Token dt0c01.NEW' ? json(page(selectorsOf(u), () => [series('api-1', [1])])) : json({ error: { code: 401, message: 'Token Authentication failed' } }, 401),
    );
    const batch = await new DynatraceSource(options, { secrets: rotating, fetch: d.fetchFn }).collect(window, noDeadline);
    expect(batch).toMatchObject({ recoveredFromRotation: true, secretVersion: 2 });
  });

  it('names Dynatrace’s message on other errors, and counts series without the container dimension', async () => {
    const bad = dynatrace(() => json({ error: { code: 500, message: 'Internal error' } }, 500));
    await expect(new DynatraceSource(options, { secrets: secrets(), fetch: bad.fetchFn }).collect(window, noDeadline)).rejects.toThrow('Dynatrace query for the container metrics failed (500): Internal error');
    const anonymous = dynatrace((u) => json(page(selectorsOf(u), () => [series('api-1', [1]), { dimensionMap: {}, timestamps: [t0], values: [1] }])));
    const batch = await new DynatraceSource(options, { secrets: secrets(), fetch: anonymous.fetchFn }).collect(window, noDeadline);
    expect(batch.dropped).toEqual({ missing_id: 4 });
  });

  it('reads Retry-After as seconds or a date, and X-RateLimit-Reset in microseconds', () => {
    const now = Date.parse('2026-11-24T10:00:00Z');
    expect(retryAfterMs(new Headers({ 'retry-after': '3' }), now)).toBe(3000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'Tue, 24 Nov 2026 10:00:05 GMT' }), now)).toBe(5000);
    expect(retryAfterMs(new Headers({ 'x-ratelimit-reset': String((now + 4000) * 1000) }), now)).toBe(4000);
  });
});
