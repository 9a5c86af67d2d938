import { gunzipSync, gzipSync } from 'node:zlib';
import { DetectorRunError, RedactionBoundary } from '../../../src/observability/boundary';
import { SecretRedactor } from '../../../src/observability/redaction';
import { encodeArchive } from '../../../src/pipeline/archive';
import { MemoryObjectStore } from '../../../src/adapters/memory/object-store';
import { createHandler, type DetectEvent } from '../../../src/runtime/handler';
import type { AlertMessage, Log } from '../../../src/pipeline/ports';

const USER = 'svc-detector';
const PASSWORD = 'Pw-7Yh2Kd9Lm4Qx';
const BASIC = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
/** What an upstream gateway echoes back: the Basic header, as Splunk basic auth sends it. */
const ECHO = `Splunk rejected the search (502): <pre>POST /services/search/v2/jobs/export Authorization: Basic ${BASIC}</pre> [text/html]`;

function boundary(): RedactionBoundary {
  const r = new SecretRedactor();
  r.registerSecret({ username: USER, password: PASSWORD });
  return new RedactionBoundary(r);
}

function expectClean(text: string): void {
  for (const secret of [PASSWORD, BASIC]) for (let i = 0; i + 8 <= secret.length; i++) expect(text).not.toContain(secret.slice(i, i + 8));
}

describe('redaction boundary', () => {
  // Bug: with basic auth the logger missed the echoed base64 `user:password`.
  it('redacts every log line, message and fields', () => {
    const lines: string[] = [];
    const record = (level: string): Log[keyof Log] => (m, extra) => lines.push(JSON.stringify({ level, m, extra }));
    const log = boundary().log({ debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') });
    log.error(ECHO, { error: new Error(ECHO), nested: [{ body: ECHO }] });
    log.warn('w', { detail: ECHO });
    log.info(ECHO);
    log.debug('d', { detail: ECHO });
    expect(lines).toHaveLength(4);
    expectClean(lines.join('\n'));
  });

  // Bug: the archive's `sourceErrors` carried the echoed credential verbatim.
  it('redacts the gzip NDJSON archive line by line, keeping every line valid JSON', async () => {
    const store = new MemoryObjectStore();
    const guarded = boundary().store(store);
    const archive = await encodeArchive({
      environment: 'prod', runId: 'r1', collectedAt: '2026-11-24T10:00:00.000Z', window: { earliest: 'a', latest: 'b' },
      raw: [{ source: 'splunk', rows: [{ container_id: 'c1', note: `password=${PASSWORD}` }] }], samples: [], dropped: {},
      sourceErrors: [{ source: 'splunk', message: ECHO }], degradedMetrics: [],
    });
    await guarded.put('metrics/r1.jsonl.gz', archive, { contentType: 'application/x-ndjson', contentEncoding: 'gzip' });
    const text = gunzipSync(store.objects.get('metrics/r1.jsonl.gz')!.body).toString('utf8');
    expectClean(text);
    const lines = text.trim().split('\n').map((l) => JSON.parse(l) as { record: string; sourceErrors?: Array<{ message: string }> });
    expect(lines.map((l) => l.record)).toEqual(['run', 'raw']);
    expect(lines[0].sourceErrors![0].message).toContain('Authorization: ***');
  });

  it('redacts a multi-megabyte archive whose recompression waits for gzip, losing no line and moving none', async () => {
    // Large enough that the recompression fills gzip's buffer many times over: decompression pauses while a write waits.
    const rows = Array.from({ length: 60_000 }, (_, i) => ({ container_id: `c${i}`, note: i % 1000 === 0 ? `password=${PASSWORD}` : `ok ${'x'.repeat(80)}` }));
    const store = new MemoryObjectStore();
    const archive = await encodeArchive({
      environment: 'prod', runId: 'r2', collectedAt: '2026-11-24T10:00:00.000Z', window: { earliest: 'a', latest: 'b' },
      raw: [{ source: 'splunk', rows }], samples: [], dropped: {}, sourceErrors: [], degradedMetrics: [],
    });
    await boundary().store(store).put('metrics/r2.jsonl.gz', archive, { contentType: 'application/x-ndjson', contentEncoding: 'gzip' });
    const text = gunzipSync(store.objects.get('metrics/r2.jsonl.gz')!.body).toString('utf8');
    expect(text.length).toBeGreaterThan(6 * 2 ** 20);
    expectClean(text);
    const lines = text.trim().split('\n').map((l) => JSON.parse(l) as { row?: { container_id: string } });
    expect(lines.slice(1).map((l) => l.row!.container_id)).toEqual(rows.map((r) => r.container_id));
  });

  it('passes a clean archive through unchanged, without recompressing it', async () => {
    const store = new MemoryObjectStore();
    const body = gzipSync('{"record":"run"}\n');
    await boundary().store(store).put('k', body, { contentType: 'application/x-ndjson', contentEncoding: 'gzip' });
    expect(Buffer.from(store.objects.get('k')!.body).equals(body)).toBe(true);
  });

  it('redacts JSON objects (the ledger) and masks binary ones (detector state) with the same length', async () => {
    const store = new MemoryObjectStore();
    const guarded = boundary().store(store);
    await guarded.put('ledger.json', new TextEncoder().encode(JSON.stringify({ reason: ECHO })), { contentType: 'application/json', condition: { ifNoneMatch: '*' } });
    expectClean(Buffer.from(store.objects.get('ledger.json')!.body).toString());
    expect(JSON.parse(Buffer.from(store.objects.get('ledger.json')!.body).toString())).toEqual({ reason: expect.stringContaining('Authorization: ***') });
    const state = Buffer.concat([Buffer.from([1, 2, 3]), Buffer.from(PASSWORD), Buffer.from([4])]);
    await guarded.put('state.bin', state, { contentType: 'application/octet-stream' });
    expect(store.objects.get('state.bin')!.body).toHaveLength(state.length);
    expectClean(Buffer.from(store.objects.get('state.bin')!.body).toString('latin1'));
    // Conditions still apply: the decorator changes bodies, never semantics.
    await expect(guarded.put('ledger.json', new Uint8Array(), { contentType: 'application/json', condition: { ifNoneMatch: '*' } })).rejects.toThrow(/conditional write/);
  });

  it('redacts alert subjects and bodies, keeping the body valid JSON', async () => {
    const sent: AlertMessage[] = [];
    const alerter = boundary().alerter({ publish: async (m) => (sent.push(m), 'id-1') });
    const body = JSON.stringify({ actions: [{ service: 'api', outcome: 'failed', reason: ECHO }] });
    expect(await alerter.publish({ subject: `[prod] ${PASSWORD}`, body, attributes: { environment: 'prod', severity: 'critical', status: 'firing' } })).toBe('id-1');
    expectClean(JSON.stringify(sent));
    expect(JSON.parse(sent[0].body)).toEqual({ actions: [{ service: 'api', outcome: 'failed', reason: expect.stringContaining('***') }] });
  });
});

describe('what the handler returns', () => {
  it('passes the boundary: the summary carries source errors and upstream labels', async () => {
    const summary = { runId: 'r', containers: 1, anomalies: 1, actions: 0, degraded: true, sourceErrors: [{ source: 'splunk', message: ECHO }], anomalyDetails: [{ service: `billing-${PASSWORD}` }] };
    const b = boundary();
    const handler = createHandler(async () => ({ boundary: b, run: async () => summary as never }), b);
    const result = await handler({ id: 'e', detail: {} } as DetectEvent, { getRemainingTimeInMillis: () => 60_000 });
    expectClean(JSON.stringify(result));
    expect(result).toMatchObject({ runId: 'r', containers: 1, degraded: true, anomalyDetails: [{ service: 'billing-***' }] });
  });
});

describe('errors thrown out of the handler', () => {
  const event = { id: 'evt-1', detail: {} } as DetectEvent;
  const context = { getRemainingTimeInMillis: () => 60_000 };

  // Bug: the run error reached the Lambda runtime (its log line, the dead-letter message) with the credential in it.
  it('carry the run id and a redacted message only: no cause, no upstream fields', async () => {
    const cause = Object.assign(new Error(ECHO), { body: ECHO });
    const failing = Object.assign(new Error(`every metric source failed: splunk: ${ECHO}`, { cause }), { name: 'RunFailedError', archiveKey: 'k' });
    const b = boundary();
    const handler = createHandler(async () => ({ boundary: b, run: async () => Promise.reject(failing) }), b);
    const error = (await handler(event, context).catch((e: unknown) => e)) as DetectorRunError;
    expect(error).toBeInstanceOf(DetectorRunError);
    expect(error.name).toBe('RunFailedError');
    expect(error.message).toMatch(new RegExp(`^run ${error.runId} failed: every metric source failed: splunk: Splunk rejected the search \\(502\\)`));
    expect(error.runId).toMatch(/^\d{8}T\d{6}Z-[0-9a-f]{8}$/);
    expect(error.cause).toBeUndefined();
    expect(Object.keys(error).sort()).toEqual(['name', 'runId']);
    expectClean(`${error.message}\n${error.stack}`);
  });

  it('cover a failed cold start too, and the next invocation starts again', async () => {
    let starts = 0;
    const handler = createHandler(async () => {
      starts++;
      throw new Error(`could not log in with ${PASSWORD}`);
    }, boundary());
    const first = (await handler(event, context).catch((e: unknown) => e)) as Error;
    expect(first.message).toMatch(/failed: could not log in with \*\*\*$/);
    await handler(event, context).catch(() => undefined);
    expect(starts).toBe(2);
  });

  // Bug (found by the canary): the handler redacted with its own redactor, which a module loader may give a
  // different instance from the runtime's: the secrets the runtime read were unknown to it.
  it('go through the runtime\'s boundary, which knows what the runtime read; a cold start\'s through the handler\'s', async () => {
    const handler = createHandler(async () => ({ boundary: boundary(), run: async () => Promise.reject(new Error(`401 for ${PASSWORD}`)) }), new RedactionBoundary(new SecretRedactor()));
    const error = (await handler(event, context).catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/failed: 401 for \*\*\*$/);
  });

  it('pass the run id they name to the run', async () => {
    const seen: string[] = [];
    const b = boundary();
    const handler = createHandler(async () => ({ boundary: b, run: async (inv) => (seen.push(inv.runId!), Promise.reject(new Error('boom'))) }), b);
    const error = (await handler(event, context).catch((e: unknown) => e)) as DetectorRunError;
    expect(seen).toEqual([error.runId]);
  });
});
