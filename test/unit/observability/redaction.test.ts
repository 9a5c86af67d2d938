import { encodedForms, excerpt, REDACTED, SecretRedactor } from '../../../src/observability/redaction';

const PASSWORD = 'pa55/w0rd+"q\\x&y';
const b64 = (s: string) => Buffer.from(s).toString('base64');

function redactorWith(data: Record<string, string>): SecretRedactor {
  const r = new SecretRedactor();
  r.registerSecret(data);
  return r;
}

describe('SecretRedactor: known values', () => {
  it('replaces registered secrets in strings, nested objects, arrays, keys and errors', () => {
    const r = redactorWith({ token: 'splunk-token-123' });
    const out = r.redact({ a: 'Bearer splunk-token-123', b: [{ c: 'x splunk-token-123 y' }], e: new Error('401 for splunk-token-123'), ['k-splunk-token-123']: 1 });
    expect(JSON.stringify(out)).not.toContain('splunk-token-123');
    expect(out.a).toBe(`Bearer ${REDACTED}`);
    expect((out.e as unknown as { message: string }).message).toBe(`401 for ${REDACTED}`);
  });

  it('ignores values too short to be credentials', () => {
    const r = new SecretRedactor();
    r.register('abc');
    expect(r.redactText('abc')).toBe('abc');
  });

  // Bug: only the raw value was known, so the Basic header a gateway echoed (base64 of user:password) went through.
  it('redacts base64 of user:password as Basic auth sends it, also inside a longer base64 text', () => {
    const r = redactorWith({ username: 'svc-detector', password: PASSWORD });
    const basic = b64(`svc-detector:${PASSWORD}`);
    expect(r.redactText(`echo: Basic ${basic}`)).toBe(`echo: Basic ${REDACTED}`);
    expect(r.redactText(`dump ${b64(`svc-detector:${PASSWORD}\r\nHost: x`)}`)).not.toContain(basic.slice(0, 12));
  });

  it('keeps a username that is a plain word, redacting it only inside the Basic credential', () => {
    const r = redactorWith({ username: 'splunk', password: PASSWORD });
    expect(r.redactText(`{"source":"splunk"} Basic ${b64(`splunk:${PASSWORD}`)}`)).toBe(`{"source":"splunk"} Basic ${REDACTED}`);
  });

  it.each([
    ['raw', PASSWORD],
    ['base64', b64(PASSWORD)],
    ['URL-encoded', encodeURIComponent(PASSWORD)],
    ['JSON-escaped', JSON.stringify(PASSWORD).slice(1, -1)],
    ['HTML-escaped', PASSWORD.replace(/&/g, '&amp;').replace(/"/g, '&quot;')],
    // Found by the canary: an upstream's JSON error body quoted in a JSON archive line.
    ['twice JSON-escaped', JSON.stringify(JSON.stringify(PASSWORD).slice(1, -1)).slice(1, -1)],
  ])('redacts the %s form', (_form, text) => {
    expect(redactorWith({ password: PASSWORD }).redactText(`<p>${text}</p>`)).toBe(`<p>${REDACTED}</p>`);
  });

  it('keeps JSON valid when a JSON-escaped secret is replaced inside it', () => {
    const r = redactorWith({ password: PASSWORD });
    const doc = JSON.stringify({ message: `login with ${PASSWORD} failed`, n: 1 });
    expect(JSON.parse(r.redactText(doc))).toEqual({ message: `login with ${REDACTED} failed`, n: 1 });
  });

  it('lists every form a value travels in, base64 of its whole 3-byte groups included', () => {
    expect(encodedForms('ab/c de')).toEqual(expect.arrayContaining(['ab/c de', 'YWIvYyBkZQ==', 'YWIvYyBk', 'ab%2Fc%20de']));
  });

  it('masks known values in binary data with the same length, copying only on a hit', () => {
    const r = redactorWith({ token: 'splunk-token-123' });
    const clean = new Uint8Array([0, 1, 2, 3]);
    expect(r.redactBytes(clean)).toBe(clean);
    const dirty = Buffer.concat([Buffer.from([0, 16]), Buffer.from('splunk-token-123'), Buffer.from([7])]);
    const out = r.redactBytes(dirty);
    expect(out).toHaveLength(dirty.length);
    expect(Buffer.from(out).toString('latin1')).toBe(`\u0000\u0010${'*'.repeat(16)}\u0007`);
    expect(dirty.toString()).toContain('splunk-token-123');
  });
});

describe('SecretRedactor: credential shapes never read by this process', () => {
  const r = new SecretRedactor();
  it.each([
    ['an Authorization header', 'Authorization: Basic dXNlcjpwYXNzd29yZA==', 'Authorization: ***'],
    ['a quoted JSON header', '{"authorization":"Bearer abc.def-ghi"}', '{"authorization":"***"}'],
    ['a Vault token header', 'X-Vault-Token: hvs.CAESIJ', 'X-Vault-Token: ***'],
    ['a PHP server dump', '[HTTP_AUTHORIZATION] => Bearer abc123def', '[HTTP_AUTHORIZATION] => ***'],
    ['a Dynatrace token', 'token dt0c01.ST2EY72KQINMH574WMNVI7YN.G3DFPBEJYMODIDAEX454M7YWBUVEF used', 'token *** used'],
    ['a JWT', 'jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.sig_nature-1 end', 'jwt *** end'],
    // Bug: only the registered part of a query-string token was masked.
    ['an Api-Token query parameter', 'GET /api/v2/metrics/query?metricSelector=cpu&Api-Token=abc%2Edef.ghi&from=1', 'GET /api/v2/metrics/query?metricSelector=cpu&Api-Token=***&from=1'],
    ['a token= query parameter', 'https://x/y?token=s3cr3t-value#frag', 'https://x/y?token=***#frag'],
    ['an api-token= parameter, any case', 'q?a=1&API-TOKEN=xyz12345', 'q?a=1&API-TOKEN=***'],
  ])('redacts %s', (_what, text, expected) => {
    expect(r.redactText(text)).toBe(expected);
  });

  it('leaves ordinary text alone', () => {
    const text = 'Splunk rejected the search (400): FATAL: Unknown search command \'stats\'. [application/json]';
    expect(r.redactText(text)).toBe(text);
  });
});

describe('excerpt', () => {
  it('folds whitespace and marks a cut', () => {
    expect(excerpt('a\n\n b   c', 10)).toBe('a b c');
    expect(excerpt('x'.repeat(20), 10)).toBe(`${'x'.repeat(9)}…`);
  });
});
