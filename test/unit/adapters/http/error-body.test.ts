import { describeErrorBody, readErrorBody, upstreamExcerpt } from '../../../../src/adapters/http';
import { SplunkSource } from '../../../../src/adapters/splunk/source';
import { DynatraceSource } from '../../../../src/adapters/dynatrace/source';
import { processRedactor, SecretRedactor } from '../../../../src/observability/redaction';
import { DEFAULT_DYNATRACE_DIMENSIONS, DEFAULT_DYNATRACE_METRICS, DEFAULT_SPLUNK_FIELDS } from '../../../../src/config/source-defaults';
import { RotatingSecrets } from '../../../support/secrets';
import { noDeadline } from '../../../support/fakes';

const window = { earliest: new Date('2026-11-24T09:50:00Z'), latest: new Date('2026-11-24T10:00:00Z') };
const TOKEN = 'tok-err-Zq8Lw2Xv9Rk4Mn7Pb3Ts';
const DT_TOKEN = 'dt0c01.ERRPUBLIC0123456789ABCDEF.ERRSECRET0123456789abcdef0123456789abcdef0123456789abcdef0123';

/** Every 8-character piece of `secret`: none may survive, or a cut token escaped with its start. */
function expectNoPiece(text: string, secret: string): void {
  for (let i = 0; i + 8 <= secret.length; i++) expect(text).not.toContain(secret.slice(i, i + 8));
}

/** A gateway's HTML error page that dumps the request headers after `padding` characters. */
const gatewayPage = (padding: number, authorization: string) =>
  `<html><body><h1>502 Bad Gateway</h1><pre>${'x'.repeat(padding)}\nPOST /services/search/v2/jobs/export\nauthorization: ${authorization}\n</pre></body></html>`;

beforeAll(() => {
  processRedactor.registerSecret({ token: TOKEN });
  processRedactor.registerSecret({ apiToken: DT_TOKEN });
});

describe('upstream error bodies', () => {
  it('say status, content type and a short excerpt, never the whole body', async () => {
    const body = await readErrorBody(new Response(`<html>${'lorem ipsum '.repeat(500)}</html>`, { status: 502, headers: { 'content-type': 'text/html; charset=utf-8' } }), new SecretRedactor());
    const text = describeErrorBody(body);
    expect(text).toMatch(/^\(502\): <html>lorem ipsum .*… \[text\/html\]$/);
    expect(text.length).toBeLessThan(200);
  });

  it('say so when the body is empty', async () => {
    expect(describeErrorBody(await readErrorBody(new Response(null, { status: 503 })))).toBe('(503): empty body [no content type]');
  });

  // Bug: Splunk bodies were cut at 500 characters, then redacted: a token straddling the cut kept its first characters.
  it.each([110, 290, 480, 495])('a token straddling a cut at %i characters leaves no piece of itself (Splunk)', async (padding) => {
    const secrets = new RotatingSecrets({ 'ca/splunk': { token: TOKEN } });
    const fetchFn = async () => new Response(gatewayPage(padding, `Bearer ${TOKEN}`), { status: 502, headers: { 'content-type': 'text/html' } });
    const source = new SplunkSource({ baseUrl: 'https://splunk:8089', spl: 'search index=m', authScheme: 'bearer', secretPath: 'ca/splunk', fields: DEFAULT_SPLUNK_FIELDS }, { secrets, fetch: fetchFn });
    const error = (await source.collect(window, noDeadline).catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/^Splunk rejected the search \(502\): .* \[text\/html\]$/);
    expectNoPiece(error.message, TOKEN);
  });

  // Bug: Dynatrace bodies were cut at 300 characters before redaction, and a token in an echoed query string was only partly masked.
  it.each([120, 280, 295])('a Dynatrace token echoed in a URL at %i characters leaves no piece of itself', async (padding) => {
    const secrets = new RotatingSecrets({ 'ca/dynatrace': { apiToken: DT_TOKEN } });
    const echoed = `${'y'.repeat(padding)} GET /api/v2/metrics/query?metricSelector=cpu&Api-Token=${encodeURIComponent(DT_TOKEN)}&from=1`;
    const fetchFn = async () => new Response(JSON.stringify({ error: { code: 500, message: echoed } }), { status: 500, headers: { 'content-type': 'application/json' } });
    const source = new DynatraceSource({ environmentUrl: 'https://abc.live.dynatrace.com', resolution: '1m', entitySelector: 'type(CONTAINER_GROUP_INSTANCE)', secretPath: 'ca/dynatrace', dimensions: DEFAULT_DYNATRACE_DIMENSIONS, metrics: DEFAULT_DYNATRACE_METRICS }, { secrets, fetch: fetchFn });
    const error = (await source.collect(window, noDeadline).catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/failed \(500\): y+/);
    expectNoPiece(error.message, DT_TOKEN.split('.')[2]);
  });

  it('a Splunk line that is not JSON is redacted before it is cut', () => {
    const line = `${'z'.repeat(150)} Bearer ${TOKEN}`;
    expectNoPiece(upstreamExcerpt(line), TOKEN);
  });

  it('reads at most 64 KiB, dropping a secret cut by the read limit', async () => {
    const r = new SecretRedactor();
    const unknownToken = 'Qw7Er9Ty2Ui4Op6As8Df1Gh3Jk5Lz0Xc';
    const text = `${' '.repeat(64 * 1024 - 10)}${unknownToken}${'tail '.repeat(100)}`;
    const body = await readErrorBody(new Response(text, { status: 500 }), r);
    expect(body.text.length).toBeLessThanOrEqual(64 * 1024);
    expectNoPiece(describeErrorBody(body, undefined, r), unknownToken);
  });
});
