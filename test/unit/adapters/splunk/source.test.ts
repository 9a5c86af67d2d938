import { SplunkSource, parseSplunkTime } from '../../../../src/adapters/splunk/source';
import { DEFAULT_SPLUNK_FIELDS } from '../../../../src/config/source-defaults';
import { chunkedResponse, RotatingSecrets } from '../../../support/secrets';
import { noDeadline } from '../../../support/fakes';

const window = { earliest: new Date('2026-11-24T09:50:00Z'), latest: new Date('2026-11-24T10:00:00Z') };

/**
 * Export rows as Splunk documents them (docs.splunk.com, REST API Reference,
 * "search/jobs/export", output_mode=json): one object per line with `preview`,
 * `offset` and `result`, every value a string, `lastrow: true` on the final row.
 */
const exportRow = (offset: number, result: Record<string, string>, last = false) => JSON.stringify({ preview: false, offset, ...(last ? { lastrow: true } : {}), result });
const result = (id: string, cpu = '41.5', time = '1795514400.000') => ({ container_id: id, service: 'api', cluster: 'apps', _time: time, cpu_pct: cpu, mem_pct: '50', net_mbps: '12.5', disk_iops: '300' });
const stream = (...results: Array<Record<string, string>>) => results.map((r, i) => exportRow(i, r, i === results.length - 1)).join('\n') + '\n';
const options = { baseUrl: 'https://splunk.example.com:8089/', spl: 'search index=m | stats avg(cpu_pct) by container_id', authScheme: 'bearer' as const, secretPath: 'ca/splunk', fields: DEFAULT_SPLUNK_FIELDS };
const secrets = () => new RotatingSecrets({ 'ca/splunk': { token: 'tok-v1-abcdef' } });

function splunkWith(answer: (init: RequestInit) => Response) {
  const calls: Array<{ url: string; init: RequestInit }> = [];
  const fetchFn = async (url: string, init?: RequestInit) => {
    calls.push({ url, init: init ?? {} });
    return answer(init ?? {});
  };
  return { calls, fetchFn };
}
const collect = (body: string, o = options) => new SplunkSource(o, { secrets: secrets(), fetch: splunkWith(() => chunkedResponse([body])).fetchFn }).collect(window, noDeadline);

describe('SplunkSource', () => {
  it('posts the export search with output_mode=json and the window, authenticated with the bearer token', async () => {
    const s = splunkWith(() => chunkedResponse([stream(result('c1'))]));
    await new SplunkSource(options, { secrets: secrets(), fetch: s.fetchFn }).collect(window, noDeadline);
    expect(s.calls[0].url).toBe('https://splunk.example.com:8089/services/search/v2/jobs/export');
    expect(s.calls[0].init.method).toBe('POST');
    expect((s.calls[0].init.headers as Record<string, string>).Authorization).toBe('Bearer tok-v1-abcdef');
    const form = new URLSearchParams(String(s.calls[0].init.body));
    expect(Object.fromEntries(form)).toEqual({ search: options.spl, output_mode: 'json', earliest_time: '1795513800.000', latest_time: '1795514400.000' });
  });

  it('parses results as the stream arrives, across chunk boundaries, and skips preview rows', async () => {
    const body = [JSON.stringify({ preview: true, offset: 0, result: { container_id: 'early' } }), exportRow(0, result('c1')), exportRow(1, result('c2')), exportRow(2, { ...result('c3'), service: 'web', cpu_pct: '5' }, true)].join('\n');
    const s = splunkWith(() => chunkedResponse(body.match(/.{1,37}/gs)!));
    const batch = await new SplunkSource(options, { secrets: secrets(), fetch: s.fetchFn }).collect(window, noDeadline);
    expect(batch.samples.map((x) => x.containerId)).toEqual(['c1', 'c2', 'c3']);
    expect(batch.samples[0]).toEqual({ containerId: 'c1', service: 'api', cluster: 'apps', timestamp: '2026-11-24T10:00:00.000Z', metrics: { cpu_pct: 41.5, mem_pct: 50, net_mbps: 12.5, disk_iops: 300 }, source: 'splunk' });
    expect(batch.rawRows).toHaveLength(3);
    expect(batch).toMatchObject({ source: 'splunk', secretVersion: 1, recoveredFromRotation: false, missingMetrics: [] });
    expect(batch.stats).toMatchObject({ rows: 3, containers: 3, metricsFound: ['cpu_pct', 'mem_pct', 'net_mbps', 'disk_iops'], problems: [] });
  });

  // Bug: field names were hard-coded; a search naming them otherwise gave 0 containers and a successful run.
  it('reads the fields the environment maps, whatever the search calls them', async () => {
    const fields = { container: 'container.id', service: 'ecs_service', cluster: 'ecs_cluster', time: 'ts', metrics: { cpu_pct: 'cpu', mem_pct: 'memory' } };
    const row = { 'container.id': 'c1', ecs_service: 'api', ecs_cluster: 'apps', ts: '2026-11-24T10:00:00Z', cpu: '12', memory: '34' };
    const batch = await collect(stream(row), { ...options, fields });
    expect(batch.samples).toEqual([{ containerId: 'c1', service: 'api', cluster: 'apps', timestamp: '2026-11-24T10:00:00.000Z', metrics: { cpu_pct: 12, mem_pct: 34 }, source: 'splunk' }]);
  });

  it('with no metric mapped, still names every container’s service and cluster (Dynatrace gives the metrics)', async () => {
    const batch = await collect(stream(result('c1')), { ...options, fields: { ...DEFAULT_SPLUNK_FIELDS, metrics: {} } });
    expect(batch.samples).toEqual([{ containerId: 'c1', service: 'api', cluster: 'apps', timestamp: '2026-11-24T10:00:00.000Z', metrics: {}, source: 'splunk' }]);
    expect(batch.missingMetrics).toEqual([]);
  });

  it('fails the source, naming the missing fields, when rows arrive but none has a usable container', async () => {
    const row = { 'container.id': 'c1', svc: 'api', _time: '1795514400', cpu: '1' };
    await expect(collect(stream(row))).rejects.toThrow('Splunk returned 1 rows but no usable container: fields container_id, service are in no row (rows have: container.id, svc, _time, cpu)');
  });

  it('reports a mapped metric no row has as missing, and keeps the others', async () => {
    const { net_mbps: _net, ...partialRow } = result('c1');
    const batch = await collect(stream(partialRow));
    expect(batch.missingMetrics).toEqual([{ metric: 'net_mbps', reason: 'field net_mbps is in no row' }]);
    expect(batch.samples[0].metrics).toEqual({ cpu_pct: 41.5, mem_pct: 50, disk_iops: 300 });
  });

  // Bug: a blank value (" ") became 0.
  it('counts blank and non-numeric values instead of reading them as numbers', async () => {
    const batch = await collect(stream({ ...result('c1'), cpu_pct: ' ', mem_pct: 'n/a' }));
    expect(batch.dropped).toEqual({ blank: 1, not_a_number: 1 });
    expect(batch.samples[0].metrics).toEqual({ net_mbps: 12.5, disk_iops: 300 });
  });

  // Bug: two rows for one container: the last won, uncounted.
  it('keeps the row with the newest _time for a container and counts the others as duplicates', async () => {
    const batch = await collect(stream(result('c1', '10', '1795514400'), result('c1', '5', '1795514340'), result('c2')));
    expect(batch.samples.map((s) => [s.containerId, s.metrics.cpu_pct])).toEqual([['c1', 10], ['c2', 41.5]]);
    expect(batch.dropped).toEqual({ duplicate: 1 });
  });

  // Bug: a row without _time was stamped with the window's end.
  it('drops and counts a row without a usable _time instead of stamping it with the window end', async () => {
    const { _time: _t, ...untimed } = result('c2');
    const batch = await collect(stream(result('c1'), untimed, { ...result('c3'), _time: 'yesterday' }));
    expect(batch.samples.map((s) => s.containerId)).toEqual(['c1']);
    expect(batch.dropped).toEqual({ missing_time: 2 });
  });

  // Bug: a stream that ended without lastrow was accepted as complete.
  it('fails on a stream that ends without the row marked lastrow (truncated)', async () => {
    const truncated = [exportRow(0, result('c1')), exportRow(1, result('c2'))].join('\n');
    await expect(collect(truncated)).rejects.toThrow("Splunk's result stream ended after 2 rows without the row marked lastrow: the result is truncated");
  });

  it('fails when the search returns no rows, quoting Splunk’s messages', async () => {
    await expect(collect(JSON.stringify({ messages: [{ type: 'INFO', text: 'Your timerange was substituted' }] }))).rejects.toThrow(
      "Splunk's search returned no rows for the window (Splunk said: INFO: Your timerange was substituted)",
    );
  });

  it('re-reads a rotated token from Vault after a 401 and succeeds in the same run', async () => {
    const rotating = secrets();
    await rotating.get('ca/splunk'); // cached from an earlier warm invocation
    rotating.rotate('ca/splunk', { token: 'tok-v2-ghijkl' }); // the operator rotates in Vault; Splunk now accepts only v2
    const s = splunkWith((init) =>
      (init.headers as Record<string, string>).Authorization === 'Bearer tok-v2-ghijkl'
        ? chunkedResponse([stream(result('c1'))])
        : new Response('{"messages":[{"type":"WARN","text":"call not properly authenticated"}]}', { status: 401 }),
    );
    const batch = await new SplunkSource(options, { secrets: rotating, fetch: s.fetchFn }).collect(window, noDeadline);
    expect(batch).toMatchObject({ secretVersion: 2, recoveredFromRotation: true });
    expect(rotating.invalidations).toEqual(['ca/splunk']);
    expect(s.calls).toHaveLength(2);
  });

  it('gives up after the re-read credential is refused too, naming the path and version', async () => {
    const s = splunkWith(() => new Response('', { status: 401 }));
    await expect(new SplunkSource(options, { secrets: secrets(), fetch: s.fetchFn }).collect(window, noDeadline)).rejects.toThrow(
      'Splunk (credential ca/splunk version 1, re-read after a first refusal) rejected the credential (401)',
    );
  });

  it('reports a bad SPL (400) with Splunk’s message', async () => {
    const s = splunkWith(() => new Response(JSON.stringify({ messages: [{ type: 'FATAL', text: "Error in 'stats' command: The argument 'avg(' is invalid." }] }), { status: 400 }));
    await expect(new SplunkSource(options, { secrets: secrets(), fetch: s.fetchFn }).collect(window, noDeadline)).rejects.toThrow(
      "Splunk rejected the search (400): FATAL: Error in 'stats' command: The argument 'avg(' is invalid.",
    );
  });

  it('treats an empty 200 body as an error', async () => {
    await expect(collect('')).rejects.toThrow('Splunk returned an empty response');
  });

  it('fails on an ERROR message inside the stream', async () => {
    await expect(collect(`${exportRow(0, result('c1'))}\n${JSON.stringify({ messages: [{ type: 'ERROR', text: 'Search auto-canceled' }] })}\n`)).rejects.toThrow('Splunk search failed: ERROR: Search auto-canceled');
  });

  it('uses basic auth when configured', async () => {
    const s = splunkWith(() => chunkedResponse([stream(result('c1'))]));
    await new SplunkSource({ ...options, authScheme: 'basic' }, { secrets: new RotatingSecrets({ 'ca/splunk': { username: 'svc', password: 'pw-123456' } }), fetch: s.fetchFn }).collect(window, noDeadline);
    expect((s.calls[0].init.headers as Record<string, string>).Authorization).toBe(`Basic ${Buffer.from('svc:pw-123456').toString('base64')}`);
  });

  it('refuses to start a search when the run has no time left, or when the collection was aborted', async () => {
    const s = splunkWith(() => chunkedResponse([stream(result('c1'))]));
    const source = new SplunkSource(options, { secrets: secrets(), fetch: s.fetchFn });
    await expect(source.collect(window, { remainingMs: () => 1000 })).rejects.toThrow('no time left in this run for the Splunk search');
    await expect(source.collect(window, noDeadline, AbortSignal.abort(new Error('collection budget spent')))).rejects.toThrow('collection budget spent');
    expect(s.calls).toHaveLength(0);
  });

  it('reports the clock skew from Splunk’s Date header', async () => {
    const s = splunkWith(() => new Response(stream(result('c1')), { headers: { Date: 'Tue, 24 Nov 2026 10:00:03 GMT' } }));
    const batch = await new SplunkSource(options, { secrets: secrets(), fetch: s.fetchFn, now: () => Date.parse('2026-11-24T10:00:00.400Z') }).collect(window, noDeadline);
    expect(batch.stats?.clockSkewMs).toBe(3000);
  });

  it('reads _time as epoch seconds or ISO, and nothing else', () => {
    expect(parseSplunkTime('1795514400.5')).toBe('2026-11-24T10:00:00.500Z');
    expect(parseSplunkTime('2026-11-24T10:00:00.000+01:00')).toBe('2026-11-24T09:00:00.000Z');
    expect(parseSplunkTime('garbage')).toBeUndefined();
    expect(parseSplunkTime('')).toBeUndefined();
  });
});
