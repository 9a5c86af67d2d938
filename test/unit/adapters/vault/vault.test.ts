import { createHash, createHmac } from 'node:crypto';
import { AwsIamAuth, ExtensionAuth, signIamLogin, STS_BODY, TokenAuth } from '../../../../src/adapters/vault/auth';
import { VaultClient } from '../../../../src/adapters/vault/client';
import { requireKey, VaultSecretProvider } from '../../../../src/adapters/vault/secret-provider';
import { VaultError } from '../../../../src/adapters/vault/errors';
import { SecretRedactor } from '../../../../src/observability/redaction';
import { fakeFetch, kvAnswer } from '../../../support/fake-vault';
import { fixedClock } from '../../../support/fakes';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'session-token-xyz' };
const signingDate = new Date('2026-11-24T10:00:00Z');

/** An independent SigV4 computation (AWS docs, "Create a signed AWS API request") to check the signer's output. */
function expectedSignature(headers: Record<string, string>, signedHeaders: string[], region: string): string {
  const sha = (s: string) => createHash('sha256').update(s).digest('hex');
  const hmac = (k: Buffer | string, s: string) => createHmac('sha256', k).update(s).digest();
  const canonicalHeaders = signedHeaders.map((h) => `${h}:${headers[h].trim()}\n`).join('');
  const canonicalRequest = ['POST', '/', '', canonicalHeaders, signedHeaders.join(';'), sha(STS_BODY)].join('\n');
  const amzDate = headers['x-amz-date'];
  const scope = `${amzDate.slice(0, 8)}/${region}/sts/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, amzDate.slice(0, 8)), region), 'sts'), 'aws4_request');
  return createHmac('sha256', key).update(stringToSign).digest('hex');
}

describe('AWS IAM login', () => {
  it('signs sts:GetCallerIdentity for the configured region, with the server-id header, as Vault expects', async () => {
    const login = await signIamLogin({ role: 'cad-prod-detector', stsRegion: 'eu-west-1', serverId: 'vault.example.com', now: () => signingDate }, credentials);
    expect(login.role).toBe('cad-prod-detector');
    expect(login.iam_http_request_method).toBe('POST');
    expect(Buffer.from(login.iam_request_url, 'base64').toString()).toBe('https://sts.eu-west-1.amazonaws.com/');
    expect(Buffer.from(login.iam_request_body, 'base64').toString()).toBe('Action=GetCallerIdentity&Version=2011-06-15');
    const lists = JSON.parse(Buffer.from(login.iam_request_headers, 'base64').toString()) as Record<string, string[]>;
    const headers = Object.fromEntries(Object.entries(lists).map(([k, v]) => [k.toLowerCase(), v[0]]));
    expect(headers).toMatchObject({
      host: 'sts.eu-west-1.amazonaws.com',
      'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
      'x-vault-aws-iam-server-id': 'vault.example.com',
      'x-amz-date': '20261124T100000Z',
      'x-amz-security-token': 'session-token-xyz',
    });
    const auth = /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20261124\/eu-west-1\/sts\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(headers.authorization);
    expect(auth).not.toBeNull();
    const signed = auth![1].split(';');
    expect(signed).toEqual(expect.arrayContaining(['content-type', 'host', 'x-amz-date', 'x-vault-aws-iam-server-id']));
    expect(auth![2]).toBe(expectedSignature(headers, signed, 'eu-west-1'));
  });

  it('omits the server-id header when none is configured', async () => {
    const login = await signIamLogin({ role: 'r', stsRegion: 'us-east-1', now: () => signingDate }, credentials);
    expect(Buffer.from(login.iam_request_headers, 'base64').toString()).not.toMatch(/server-id/i);
  });

  it('posts the login to auth/<mount>/login and uses the token it returns', async () => {
    const vault = fakeFetch([
      (r) => (r.url.endsWith('/v1/auth/aws/login') ? { status: 200, body: { auth: { client_token: 'hvs.issued', lease_duration: 900, renewable: true } } } : undefined),
      (r) => (r.url.endsWith('/v1/secret/data/ca/prod/splunk') && r.headers['x-vault-token'] === 'hvs.issued' ? kvAnswer({ token: 'splunk-token-1' }, 3) : undefined),
    ]);
    const client = new VaultClient({ address: 'https://vault.example.com/', auth: new AwsIamAuth({ mount: 'aws', role: 'r', stsRegion: 'eu-west-1', credentials: async () => credentials }), fetch: vault.fetch });
    const secrets = new VaultSecretProvider(client, { kvMount: 'secret', redactor: new SecretRedactor() });
    await expect(secrets.get('ca/prod/splunk')).resolves.toEqual({ path: 'ca/prod/splunk', version: 3, data: { token: 'splunk-token-1' } });
    expect(vault.requests[0].body).toMatchObject({ role: 'r', iam_http_request_method: 'POST' });
  });

  it('names the mount and Vault’s reason when the login is refused', async () => {
    const vault = fakeFetch([() => ({ status: 400, body: { errors: ['entry for role r not found'] } })]);
    const client = new VaultClient({ address: 'https://v', auth: new AwsIamAuth({ mount: 'aws', role: 'r', stsRegion: 'eu-west-1', credentials: async () => credentials }), fetch: vault.fetch });
    await expect(new VaultSecretProvider(client, { kvMount: 'secret' }).get('p')).rejects.toThrow('Vault login at auth/aws/login failed (400): entry for role r not found');
  });
});

describe('token lifecycle', () => {
  function lifecycle() {
    const clock = fixedClock('2026-11-24T10:00:00Z');
    let logins = 0;
    const vault = fakeFetch([
      (r) => (r.url.endsWith('/auth/aws/login') ? (logins++, { status: 200, body: { auth: { client_token: `login-${logins}`, lease_duration: 900, renewable: true } } }) : undefined),
      (r) => (r.url.endsWith('/auth/token/renew-self') ? { status: 200, body: { auth: { client_token: r.headers['x-vault-token'], lease_duration: 900, renewable: true } } } : undefined),
      (r) => (r.url.includes('/data/') ? kvAnswer({ token: 'abcdefgh' }, 1) : undefined),
    ]);
    const client = new VaultClient({ address: 'https://v', auth: new AwsIamAuth({ mount: 'aws', role: 'r', stsRegion: 'eu-west-1', credentials: async () => credentials }), fetch: vault.fetch, clock });
    return { clock, vault, client, logins: () => logins };
  }

  it('renews the token once two thirds of its lease have passed', async () => {
    const t = lifecycle();
    await t.client.request('GET', 'secret/data/a');
    t.clock.set('2026-11-24T10:11:00Z');
    await t.client.request('GET', 'secret/data/a');
    expect(t.vault.requests.map((r) => new URL(r.url).pathname)).toEqual(['/v1/auth/aws/login', '/v1/secret/data/a', '/v1/auth/token/renew-self', '/v1/secret/data/a']);
  });

  it('logs in again when the lease has expired', async () => {
    const t = lifecycle();
    await t.client.request('GET', 'secret/data/a');
    t.clock.set('2026-11-24T10:20:00Z');
    await t.client.request('GET', 'secret/data/a');
    expect(t.logins()).toBe(2);
  });

  it('logs in again once when Vault answers 403 with a token it issued', async () => {
    let denied = false;
    let logins = 0;
    const vault = fakeFetch([
      (r) => (r.url.endsWith('/auth/aws/login') ? (logins++, { status: 200, body: { auth: { client_token: `t${logins}`, lease_duration: 900 } } }) : undefined),
      (r) => (!denied && r.headers['x-vault-token'] === 't1' ? ((denied = true), { status: 403, body: { errors: ['permission denied'] } }) : undefined),
      () => kvAnswer({ token: 'abcdefgh' }, 2),
    ]);
    const client = new VaultClient({ address: 'https://v', auth: new AwsIamAuth({ mount: 'aws', role: 'r', stsRegion: 'eu-west-1', credentials: async () => credentials }), fetch: vault.fetch });
    await expect(new VaultSecretProvider(client, { kvMount: 'secret' }).get('a')).resolves.toMatchObject({ version: 2 });
    expect(logins).toBe(2);
  });

  it('sends no token behind the Vault Lambda Extension, and the namespace header when set', async () => {
    const vault = fakeFetch([() => kvAnswer({ token: 'abcdefgh' }, 1)]);
    const client = new VaultClient({ address: 'http://127.0.0.1:8200', namespace: 'team-a', auth: new ExtensionAuth(), fetch: vault.fetch });
    await client.request('GET', 'secret/data/a');
    await client.request('GET', 'secret/data/a');
    for (const r of vault.requests) {
      expect(r.headers['x-vault-token']).toBeUndefined();
      expect(r.headers['x-vault-namespace']).toBe('team-a');
    }
  });
});

describe('Vault behind a gateway', () => {
  // Bug: a non-JSON error page was cut at 200 characters and kept, whatever it echoed (the X-Vault-Token header).
  it('redacts the token a gateway page echoes, before cutting the page', async () => {
    const token = 'hvs.GatewayEchoed-Token-7Kq2';
    const page = `<html>${'x'.repeat(165)} X-Vault-Token: ${token}</html>`;
    const fetchFn = async () => new Response(page, { status: 502, headers: { 'content-type': 'text/html' } });
    const client = new VaultClient({ address: 'https://vault.example.com', auth: new TokenAuth(token), fetch: fetchFn });
    const error = (await new VaultSecretProvider(client, { kvMount: 'kv' }).get('ca/splunk').catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/unexpected answer reading kv\/ca\/splunk \(502\)/);
    for (let i = 0; i + 8 <= token.length; i++) expect(error.message).not.toContain(token.slice(i, i + 8));
  });
});

describe('VaultSecretProvider', () => {
  const make = (routes: Parameters<typeof fakeFetch>[0], clock = fixedClock('2026-11-24T10:00:00Z'), redactor = new SecretRedactor()) => {
    const vault = fakeFetch(routes);
    const client = new VaultClient({ address: 'https://vault.example.com', auth: new TokenAuth('root-token'), fetch: vault.fetch, clock });
    return { vault, clock, redactor, secrets: new VaultSecretProvider(client, { kvMount: 'kv', clock, redactor }) };
  };

  it('caches a secret for the TTL and reads it again after invalidate', async () => {
    let version = 1;
    const t = make([() => kvAnswer({ token: `token-v${version}` }, version)]);
    expect((await t.secrets.get('ca/splunk')).version).toBe(1);
    version = 2;
    expect((await t.secrets.get('ca/splunk')).version).toBe(1);
    t.secrets.invalidate('ca/splunk');
    expect((await t.secrets.get('ca/splunk')).data.token).toBe('token-v2');
    version = 3;
    t.clock.set('2026-11-24T10:05:01Z');
    expect((await t.secrets.get('ca/splunk')).version).toBe(3);
    // Three reads of the current version; each also looks up the one before it, for the redactor.
    expect(t.vault.requests.filter((r) => !r.url.includes('?version='))).toHaveLength(3);
  });

  it('registers the previous version of a secret too, and is not failed by one it cannot read', async () => {
    const t = make([
      (r) => (r.url.endsWith('?version=2') ? kvAnswer({ username: 'svc-old', password: 'old-pa55word!' }, 2) : undefined),
      (r) => (r.url.endsWith('?version=1') ? { status: 404, body: { data: { data: null, metadata: { version: 1, destroyed: true } } } } : undefined),
      () => kvAnswer({ username: 'svc-detector', password: 'new-pa55word!' }, 3),
    ]);
    await t.secrets.get('ca/splunk');
    const basicOld = Buffer.from('svc-old:old-pa55word!').toString('base64');
    expect(t.redactor.redactText(`old-pa55word! Basic ${basicOld} new-pa55word!`)).toBe('*** Basic *** ***');
    expect(t.vault.requests.map((r) => r.url.replace('https://vault.example.com/v1/', ''))).toEqual(['kv/data/ca/splunk', 'kv/data/ca/splunk?version=2']);
  });

  it('registers every credential it reads with the redactor (the username only inside the Basic credential)', async () => {
    const t = make([() => kvAnswer({ username: 'svc-detector', password: 'pa55word!', token: 'tok-abcdef' }, 1)]);
    await t.secrets.get('ca/splunk');
    const basic = Buffer.from('svc-detector:pa55word!').toString('base64');
    expect(t.redactor.redactText(`login svc-detector / pa55word! / tok-abcdef / ${basic}`)).toBe('login svc-detector / *** / *** / ***');
  });

  it.each([
    ['sealed', { status: 503, body: { errors: ['Vault is sealed'] } }, 'Vault is sealed (503) while reading kv/ca/splunk'],
    ['permission denied', { status: 403, body: { errors: ['1 error occurred:\n\t* permission denied\n\n'] } }, 'permission denied (403) reading kv/data/ca/splunk'],
    ['a deleted version', { status: 404, body: { data: { data: null, metadata: { version: 4, deletion_time: '2026-11-20T08:00:00Z', destroyed: false } } } }, 'secret kv/ca/splunk version 4 was deleted at 2026-11-20T08:00:00Z (404)'],
    ['a destroyed version', { status: 404, body: { data: { data: null, metadata: { version: 4, deletion_time: '', destroyed: true } } } }, 'secret kv/ca/splunk version 4 was destroyed (404)'],
    ['a missing secret', { status: 404, body: { errors: [] } }, 'secret kv/ca/splunk does not exist (404)'],
  ])('explains %s with the path and cause', async (_what, answer, message) => {
    const t = make([() => answer]);
    const error = await t.secrets.get('ca/splunk').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VaultError);
    expect((error as Error).message).toContain(message);
  });

  it('names the key, path and version of a secret missing a field, never a value', async () => {
    const t = make([() => kvAnswer({ username: 'svc', password: 'super-secret-pw' }, 7)]);
    const secret = await t.secrets.get('ca/splunk');
    expect(() => requireKey(secret, 'token')).toThrow('secret ca/splunk (version 7) has no key "token"');
    try {
      requireKey(secret, 'token');
    } catch (e) {
      expect(String(e)).not.toContain('super-secret-pw');
    }
  });

  it('reports an unreachable Vault with its address', async () => {
    const client = new VaultClient({ address: 'https://vault.example.com', auth: new TokenAuth('t'), fetch: async () => { throw new TypeError('fetch failed'); } });
    await expect(new VaultSecretProvider(client, { kvMount: 'kv' }).get('a')).rejects.toThrow('could not reach Vault at https://vault.example.com for kv/data/a: fetch failed');
  });
});
