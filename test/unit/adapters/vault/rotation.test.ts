import { TokenAuth } from '../../../../src/adapters/vault/auth';
import { VaultClient } from '../../../../src/adapters/vault/client';
import { lambdaAuthorization, parseCredentialInput, rotateSecret, verifyCredential } from '../../../../src/adapters/vault/rotation';
import { fakeFetch } from '../../../support/fake-vault';

function vaultWith(currentVersion: number | undefined, writeAnswer?: { status: number; body: unknown }) {
  return fakeFetch([
    (r) => (r.url.endsWith('/v1/kv/metadata/ca/prod/splunk')
      ? currentVersion === undefined ? { status: 404, body: { errors: [] } } : { status: 200, body: { data: { current_version: currentVersion } } }
      : undefined),
    (r) => (r.method === 'POST' && r.url.endsWith('/v1/kv/data/ca/prod/splunk')
      ? writeAnswer ?? { status: 200, body: { data: { version: (currentVersion ?? 0) + 1 } } }
      : undefined),
  ]);
}
const clientOf = (vault: ReturnType<typeof fakeFetch>) => new VaultClient({ address: 'https://v', auth: new TokenAuth('op-token'), fetch: vault.fetch });

describe('secret rotation', () => {
  it('writes the next version with check-and-set on the current one and returns it', async () => {
    const vault = vaultWith(4);
    const result = await rotateSecret({ client: clientOf(vault), kvMount: 'kv', path: 'ca/prod/splunk', secret: 'splunk', data: { token: 'new-token-123' } });
    expect(result).toEqual({ previousVersion: 4, version: 5 });
    expect(vault.requests[1].body).toEqual({ options: { cas: 4 }, data: { token: 'new-token-123' } });
  });

  it('creates the first version with cas 0', async () => {
    const vault = vaultWith(undefined);
    await rotateSecret({ client: clientOf(vault), kvMount: 'kv', path: 'ca/prod/splunk', secret: 'splunk', data: { token: 'first-token' } });
    expect(vault.requests[1].body).toEqual({ options: { cas: 0 }, data: { token: 'first-token' } });
  });

  it('explains a lost check-and-set race', async () => {
    const vault = vaultWith(4, { status: 400, body: { errors: ['check-and-set parameter did not match the current version'] } });
    await expect(rotateSecret({ client: clientOf(vault), kvMount: 'kv', path: 'ca/prod/splunk', secret: 'splunk', data: { token: 'x-token' } }))
      .rejects.toThrow('kv/ca/prod/splunk changed while rotating (expected version 4): someone else rotated it');
  });

  it('writes nothing when verification fails', async () => {
    const vault = vaultWith(4);
    await expect(rotateSecret({
      client: clientOf(vault), kvMount: 'kv', path: 'ca/prod/splunk', secret: 'splunk', data: { token: 'bad' },
      verify: async () => { throw new Error('splunk rejected the new credential (401); nothing was written'); },
    })).rejects.toThrow('nothing was written');
    expect(vault.requests).toEqual([]);
  });

  const bearer = { secret: 'splunk' as const, splunkAuthScheme: 'bearer' as const };
  const basic = { secret: 'splunk' as const, splunkAuthScheme: 'basic' as const };
  const dynatrace = { secret: 'dynatrace' as const, splunkAuthScheme: 'bearer' as const };

  it('verifies with the header the Lambda sends: Splunk per the environment\'s scheme, Dynatrace with Api-Token', async () => {
    const seen: Array<[string, string]> = [];
    const fetchFn = async (url: string, init?: RequestInit) => {
      seen.push([url, (init?.headers as Record<string, string>).Authorization]);
      return new Response('{}', { status: 200 });
    };
    await verifyCredential(bearer, 'https://splunk:8089/', { token: 'tok-123456' }, fetchFn);
    await verifyCredential(basic, 'https://splunk:8089', { username: 'u', password: 'p' }, fetchFn);
    await verifyCredential(dynatrace, 'https://abc.live.dynatrace.com', { apiToken: 'dt0c01.abc' }, fetchFn);
    expect(seen).toEqual([
      ['https://splunk:8089/services/server/info?output_mode=json', 'Bearer tok-123456'],
      ['https://splunk:8089/services/server/info?output_mode=json', `Basic ${Buffer.from('u:p').toString('base64')}`],
      ['https://abc.live.dynatrace.com/api/v2/metrics?pageSize=1', 'Api-Token dt0c01.abc'],
    ]);
    await expect(verifyCredential(dynatrace, 'https://x', { apiToken: 'bad' }, async () => new Response('', { status: 401 })))
      .rejects.toThrow('dynatrace rejected the new credential (401); nothing was written');
  });

  // Bug: --verify checked a Splunk credential as a bearer token whatever the environment used, so it approved
  // a bare token for a basic-auth environment, and the Lambda then failed with `no key "username"`.
  it('refuses, before any call, a credential the environment\'s Lambda cannot use', async () => {
    let calls = 0;
    const fetchFn = async () => (calls++, new Response('{}', { status: 200 }));
    await expect(verifyCredential(basic, 'https://splunk:8089', parseCredentialInput('splunk', 'tok-123456'), fetchFn))
      .rejects.toThrow('this environment\'s Lambda uses Splunk basic auth and reads the keys "username", "password": the new credential lacks "username", "password"; nothing was written');
    await expect(verifyCredential(bearer, 'https://splunk:8089', { username: 'u', password: 'p' }, fetchFn)).rejects.toThrow('lacks "token"');
    expect(calls).toBe(0);
    expect(() => lambdaAuthorization(basic, { username: 'u' })).toThrow('lacks "password"');
    expect(lambdaAuthorization(basic, { username: 'u', password: 'p', token: 'ignored' })).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
  });

  it('accepts a bare credential or a JSON object, and rejects what it cannot store', () => {
    expect(parseCredentialInput('splunk', 'abc123\n')).toEqual({ token: 'abc123' });
    expect(parseCredentialInput('dynatrace', 'dt0c01.x')).toEqual({ apiToken: 'dt0c01.x' });
    expect(parseCredentialInput('splunk', '{"username":"u","password":"p"}')).toEqual({ username: 'u', password: 'p' });
    expect(() => parseCredentialInput('splunk', '')).toThrow('no credential given');
    expect(() => parseCredentialInput('splunk', '{"user":"u"}')).toThrow('a Splunk credential needs "token", or "username" and "password"');
    expect(() => parseCredentialInput('dynatrace', 'two words')).toThrow('must be one line without spaces');
  });
});
