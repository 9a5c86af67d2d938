/**
 * The operator's side of secret rotation: write a new version of a detector
 * secret with check-and-set, after optionally proving the new credential works.
 * The running detector picks it up on its next read (cache expiry or a 401).
 */
import type { VaultClient, FetchLike } from './client';
import { VaultError, vaultErrors } from './errors';
import { DYNATRACE_SECRET_KEY, dynatraceAuthorization, SPLUNK_SECRET_KEYS, splunkAuthorization, type SplunkAuthScheme } from '../http/authorization';

export type RotatedSecret = 'splunk' | 'dynatrace';

/** The key a bare credential is stored under, per secret. */
export const DEFAULT_KEY: Record<RotatedSecret, string> = { splunk: 'token', dynatrace: 'apiToken' };

/**
 * Parses what the operator typed or piped: a JSON object of fields, or a bare
 * credential stored under the secret's default key.
 */
export function parseCredentialInput(secret: RotatedSecret, input: string): Record<string, string> {
  const text = input.trim();
  if (!text) throw new Error('no credential given: pipe it on stdin or type it at the prompt');
  if (text.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new Error('the credential looks like JSON but does not parse');
    }
    const entries = Object.entries(parsed as Record<string, unknown>);
    if (entries.some(([, v]) => typeof v !== 'string' || v === '')) throw new Error('every field of the credential must be a non-empty string');
    const data = Object.fromEntries(entries) as Record<string, string>;
    const valid = secret === 'splunk' ? 'token' in data || ('username' in data && 'password' in data) : 'apiToken' in data;
    if (!valid) throw new Error(secret === 'splunk' ? 'a Splunk credential needs "token", or "username" and "password"' : 'a Dynatrace credential needs "apiToken"');
    return data;
  }
  if (/\s/.test(text)) throw new Error('a bare credential must be one line without spaces; use JSON for several fields');
  return { [DEFAULT_KEY[secret]]: text };
}

/** The current version of a KV v2 secret (0 when it does not exist yet), read from its metadata. */
export async function currentVersion(client: VaultClient, kvMount: string, path: string): Promise<number> {
  const res = await client.request('GET', `${kvMount}/metadata/${path}`);
  if (res.status === 404) return 0;
  const version = (res.body as { data?: { current_version?: number } } | undefined)?.data?.current_version;
  if (res.status !== 200 || typeof version !== 'number') {
    const failure = res.status === 403 ? 'permission-denied' : res.status === 503 ? 'sealed' : 'unexpected';
    throw new VaultError(`reading metadata of ${kvMount}/${path} failed (${res.status}): ${vaultErrors(res.body) || 'no version'}`, failure, path, res.status);
  }
  return version;
}

/** Writes `data` as the next version, only if nobody wrote in between (check-and-set). Returns the new version. */
export async function writeWithCas(client: VaultClient, kvMount: string, path: string, data: Record<string, string>, cas: number): Promise<number> {
  const res = await client.request('POST', `${kvMount}/data/${path}`, { options: { cas }, data });
  const version = (res.body as { data?: { version?: number } } | undefined)?.data?.version;
  if (res.status === 200 && typeof version === 'number') return version;
  const detail = vaultErrors(res.body);
  if (res.status === 400 && /check-and-set/i.test(detail)) {
    throw new VaultError(`${kvMount}/${path} changed while rotating (expected version ${cas}): someone else rotated it; check and retry`, 'cas-mismatch', path, 400);
  }
  const failure = res.status === 403 ? 'permission-denied' : res.status === 503 ? 'sealed' : 'unexpected';
  throw new VaultError(`writing ${kvMount}/${path} failed (${res.status}): ${detail || 'no detail'}`, failure, path, res.status);
}

/** How the environment's Lambda uses each secret: Splunk's auth scheme comes from the environment's config. */
export interface CredentialUse {
  secret: RotatedSecret;
  splunkAuthScheme: SplunkAuthScheme;
}

/**
 * The `Authorization` header the Lambda will send with this credential, built
 * by the collectors' own code; throws, naming the keys the Lambda reads, when
 * the credential lacks them (bug: a bare Splunk token passed `--verify` as a
 * bearer token although the environment uses basic auth).
 */
export function lambdaAuthorization(use: CredentialUse, data: Record<string, string>): string {
  const candidate = { path: `the new ${use.secret} credential`, version: 0, data };
  const keys = use.secret === 'dynatrace' ? [DYNATRACE_SECRET_KEY] : SPLUNK_SECRET_KEYS[use.splunkAuthScheme];
  const missing = keys.filter((k) => !data[k]);
  if (missing.length) {
    const how = use.secret === 'splunk' ? `Splunk ${use.splunkAuthScheme} auth` : 'the Dynatrace API token';
    throw new Error(`this environment's Lambda uses ${how} and reads the keys ${keys.map((k) => `"${k}"`).join(', ')}: the new credential lacks ${missing.map((k) => `"${k}"`).join(', ')}; nothing was written`);
  }
  return use.secret === 'splunk' ? splunkAuthorization(use.splunkAuthScheme, candidate) : dynatraceAuthorization(candidate);
}

/** Proves a credential works with one cheap call to its service, authenticated exactly as the Lambda will be. */
export async function verifyCredential(
  use: CredentialUse,
  baseUrl: string,
  data: Record<string, string>,
  fetchFn: FetchLike = (i, init) => fetch(i, init),
): Promise<void> {
  const { secret } = use;
  const authorization = lambdaAuthorization(use, data);
  const base = baseUrl.replace(/\/+$/, '');
  const url = secret === 'splunk' ? `${base}/services/server/info?output_mode=json` : `${base}/api/v2/metrics?pageSize=1`;
  let res: Response;
  try {
    res = await fetchFn(url, { headers: { Authorization: authorization, Accept: 'application/json' }, signal: AbortSignal.timeout(10_000) });
  } catch (e) {
    throw new Error(`could not reach ${secret} at ${base} to verify the credential: ${(e as Error).message}`);
  }
  await res.body?.cancel();
  if (res.status === 401 || res.status === 403) throw new Error(`${secret} rejected the new credential (${res.status}); nothing was written`);
  if (!res.ok) throw new Error(`${secret} answered ${res.status} while verifying the credential; nothing was written`);
}

export interface RotationRequest {
  client: VaultClient;
  kvMount: string;
  path: string;
  secret: RotatedSecret;
  data: Record<string, string>;
  /** Called before writing; throwing aborts the rotation. */
  verify?: () => Promise<void>;
}

/** Verifies (optionally), then writes the next version with CAS. Returns the new version number. */
export async function rotateSecret(r: RotationRequest): Promise<{ previousVersion: number; version: number }> {
  if (r.verify) await r.verify();
  const previousVersion = await currentVersion(r.client, r.kvMount, r.path);
  const version = await writeWithCas(r.client, r.kvMount, r.path, r.data, previousVersion);
  return { previousVersion, version };
}
