import { SplunkSource, parseSplunkTime } from '../../../../src/adapters/splunk/source';
import { chunkedResponse, RotatingSecrets } from '../../../support/secrets';
import { noDeadline } from '../../../support/fakes';

const window = { earliest: new Date('2026-11-24T09:50:00Z'), latest: new Date('2026-11-24T10:00:00Z') };
const row = (id: string, cpu = '41.5') => JSON.stringify({ preview: false, offset: 0, result: { container_id: id, service: 'api', cluster: 'apps', _time: '1795514400.000', cpu_pct: cpu, mem_pct: '50', net_mbps: '12.5', disk_iops: '300' } });
const options = { baseUrl: 'https://splunk.example.com:8089/', spl: 'search index=m | stats avg(cpu_pct) by container_id', authScheme: 'bearer' as const, secretPath: 'ca/splunk' };

function splunkWith(answer: (init: RequestInit) => Response) {
  const calls: Array<{ url: string; init: RequestInit }> = [];
  const fetchFn = async (url: string, init?: RequestInit) => {
    calls.push({ url, init: init ?? {} });
    return answer(init ?? {});
  };
  return { calls, fetchFn };
}

describe('SplunkSource', () => {
  it('posts the export search with output_mode=json and the window, authenticated with the bearer token', async () => {
    const secrets = new RotatingSecrets({ 'ca/splunk': { token: 'tok-v1-abcdef' } });
    const s = splunkWith(() => chunkedResponse([row('c1') + '\n']));
    await new SplunkSource(options, { secrets, fetch: s.fetchFn }).collect(window, noDeadline);
    expect(s.calls[0].url).toBe('https://splunk.example.com:8089/services/search/v2/jobs/export');
    expect(s.calls[0].init.method).toBe('POST');
    expect((s.calls[0].init.headers as Record<string, string>).Authorization).toBe('Bearer tok-v1-abcdef');
    const form = new URLSearchParams(String(s.calls[0].init.body));
    expect(Object.fromEntries(form)).toEqual({ search: options.spl, output_mode: 'json', earliest_time: '1795513800.000', latest_time: '1795514400.000' });
  });

  it('parses results as the stream arrives, across chunk boundaries, and skips preview rows', async () => {
    const secrets = new RotatingSecrets({ 'ca/splunk': { token: 'tok-v1-abcdef' } });
    const body = [JSON.stringify({ preview: true, result: { container_id: 'early' } }), row('c1'), row('c2'), JSON.stringify({ preview: false, lastrow: true, result: { container_id: 'c3', service: 'web', cpu_pct: '5' } })].join('\n');
    const chunks = body.match(/.{1,37}/gs)!;
    const s = splunkWith(() => chunkedResponse(chunks));
    const batch = await new SplunkSource(options, { secrets, fetch: s.fetchFn }).collect(window, noDeadline);
    expect(batch.samples.map((x) => x.containerId)).toEqual(['c1', 'c2', 'c3']);
    expect(batch.samples[0]).toEqual({ containerId: 'c1', service: 'api', cluster: 'apps', timestamp: '2026-11-24T10:00:00.000Z', metrics: { cpu_pct: 41.5, mem_pct: 50, net_mbps: 12.5, disk_iops: 300 }, source: 'splunk' });
    expect(batch.rawRows).toHaveLength(3);
    expect(batch).toMatchObject({ source: 'splunk', secretVersion: 1, recoveredFromRotation: false });
  });

  it('counts rows without a container id and passes unparsable numbers on for the merge to count', async () => {
    const secrets = new RotatingSecrets({ 'ca/splunk': { token: 'tok-v1-abcdef' } });
    const s = splunkWith(() => chunkedResponse([`${JSON.stringify({ preview: false, result: { service: 'x' } })}\n${row('c1', 'n/a')}\n`]));
    const batch = await new SplunkSource(options, { secrets, fetch: s.fetchFn }).collect(window, noDeadline);
    expect(batch.dropped).toEqual({ missing_id: 1 });
    expect(Number.isNaN(batch.samples[0].metrics.cpu_pct)).toBe(true);
  });

  it('re-reads a rotated token from Vault after a 401 and succeeds in the same run', async () => {
    const secrets = new RotatingSecrets({ 'ca/splunk': { token: 'tok-v1-abcdef' } });
    await secrets.get('ca/splunk'); // cached from an earlier warm invocation
    secrets.rotate('ca/splunk', { token: 'tok-v2-ghijkl' }); // the operator rotates in Vault; Splunk now accepts only v2
    const s = splunkWith((init) =>
      (init.headers as Record<string, string>).Authorization === 'Bearer tok-v2-ghijkl'
        ? chunkedResponse([row('c1')])
        : new Response('{"messages":[{"type":"WARN","text":"call not properly authenticated"}]}', { status: 401 }),
    );
    const batch = await new SplunkSource(options, { secrets, fetch: s.fetchFn }).collect(window, noDeadline);
    expect(batch).toMatchObject({ secretVersion: 2, recoveredFromRotation: true });
    expect(secrets.invalidations).toEqual(['ca/splunk']);
    expect(s.calls).toHaveLength(2);
  });

  it('gives up after the re-read credential is refused too, naming the path and version', async () => {
    const secrets = new RotatingSecrets({ 'ca/splunk': { token: 'tok-v1-abcdef' } });
    const s = splunkWith(() => new Response('', { status: 401 }));
    await expect(new SplunkSource(options, { secrets, fetch: s.fetchFn }).collect(window, noDeadline)).rejects.toThrow(
      'Splunk (credential ca/splunk version 1, re-read after a first refusal) rejected the credential (401)',
    );
  });

  it('reports a bad SPL (400) with Splunk’s message', async () => {
    const secrets = new RotatingSecrets({ 'ca/splunk': { token: 'tok-v1-abcdef' } });
    const s = splunkWith(() => new Response(JSON.stringify({ messages: [{ type: 'FATAL', text: "Error in 'stats' command: The argument 'avg(' is invalid." }] }), { status: 400 }));
    await expect(new SplunkSource(options, { secrets, fetch: s.fetchFn }).collect(window, noDeadline)).rejects.toThrow(
      "Splunk rejected the search (400): FATAL: Error in 'stats' command: The argument 'avg(' is invalid.",
    );
  });

  it('treats an empty 200 body as an error', async () => {
    const secrets = new RotatingSecrets({ 'ca/splunk': { token: 'tok-v1-abcdef' } });
    const s = splunkWith(() => chunkedResponse([]));
    await expect(new SplunkSource(options, { secrets, fetch: s.fetchFn }).collect(window, noDeadline)).rejects.toThrow('Splunk returned an empty response');
  });

  it('fails on an ERROR message inside the stream', async () => {
    const secrets = new RotatingSecrets({ 'ca/splunk': { token: 'tok-v1-abcdef' } });
    const s = splunkWith(() => chunkedResponse([`${row('c1')}\n${JSON.stringify({ messages: [{ type: 'ERROR', text: 'Search auto-canceled' }] })}\n`]));
    await expect(new SplunkSource(options, { secrets, fetch: s.fetchFn }).collect(window, noDeadline)).rejects.toThrow('Splunk search failed: ERROR: Search auto-canceled');
  });

  it('uses basic auth when configured', async () => {
    const secrets = new RotatingSecrets({ 'ca/splunk': { username: 'svc', password: 'pw-123456' } });
    const s = splunkWith(() => chunkedResponse([row('c1')]));
    await new SplunkSource({ ...options, authScheme: 'basic' }, { secrets, fetch: s.fetchFn }).collect(window, noDeadline);
    expect((s.calls[0].init.headers as Record<string, string>).Authorization).toBe(`Basic ${Buffer.from('svc:pw-123456').toString('base64')}`);
  });

  it('refuses to start a search when the run has no time left', async () => {
    const secrets = new RotatingSecrets({ 'ca/splunk': { token: 'tok-v1-abcdef' } });
    const s = splunkWith(() => chunkedResponse([row('c1')]));
    await expect(new SplunkSource(options, { secrets, fetch: s.fetchFn }).collect(window, { remainingMs: () => 1000 })).rejects.toThrow('no time left in this run for the Splunk search');
  });

  it('reads _time as epoch seconds or ISO', () => {
    const fallback = new Date('2026-01-01T00:00:00Z');
    expect(parseSplunkTime('1795514400.5', fallback)).toBe('2026-11-24T10:00:00.500Z');
    expect(parseSplunkTime('2026-11-24T10:00:00.000+01:00', fallback)).toBe('2026-11-24T09:00:00.000Z');
    expect(parseSplunkTime('garbage', fallback)).toBe('2026-01-01T00:00:00.000Z');
  });
});
