/**
 * Reads the detector's credentials from Vault KV v2 and caches them across
 * warm invocations. A collector that is refused by Splunk or Dynatrace calls
 * `invalidate` and reads again, which is how a rotated secret takes effect in
 * the same run without a redeploy.
 */
import type { SecretProvider, VersionedSecret } from '../../core/ports';
import type { Clock } from '../../pipeline/ports';
import { processRedactor, type SecretRedactor } from '../../observability/redaction';
import type { VaultClient } from './client';
import { VaultError, vaultErrors } from './errors';

export interface VaultSecretProviderOptions {
  kvMount: string;
  /** Default 300 s; 0 disables caching. */
  cacheTtlSeconds?: number;
  clock?: Clock;
  redactor?: SecretRedactor;
}

interface KvReadBody {
  data?: { data?: Record<string, unknown> | null; metadata?: { version?: number; deletion_time?: string; destroyed?: boolean } };
}

export class VaultSecretProvider implements SecretProvider {
  private readonly cache = new Map<string, { secret: VersionedSecret; readAt: number }>();
  private readonly clock: Clock;
  private readonly redactor: SecretRedactor;

  constructor(
    private readonly client: VaultClient,
    private readonly options: VaultSecretProviderOptions,
  ) {
    this.clock = options.clock ?? { now: () => new Date() };
    this.redactor = options.redactor ?? processRedactor;
  }

  async get(path: string): Promise<VersionedSecret> {
    const now = this.clock.now().getTime();
    const cached = this.cache.get(path);
    const ttlMs = (this.options.cacheTtlSeconds ?? 300) * 1000;
    if (cached && now - cached.readAt < ttlMs) return cached.secret;
    const secret = await this.read(path);
    this.cache.set(path, { secret, readAt: now });
    return secret;
  }

  invalidate(path: string): void {
    this.cache.delete(path);
  }

  private async read(path: string): Promise<VersionedSecret> {
    const apiPath = `${this.options.kvMount}/data/${path}`;
    const where = `${this.options.kvMount}/${path}`;
    const res = await this.client.request('GET', apiPath);
    const body = res.body as KvReadBody | undefined;
    const meta = body?.data?.metadata;
    if (res.status === 503) throw new VaultError(`Vault is sealed (503) while reading ${where}`, 'sealed', where, 503);
    if (res.status === 403) {
      throw new VaultError(`permission denied (403) reading ${apiPath}: the detector's policy must grant read on it`, 'permission-denied', where, 403);
    }
    if (res.status === 404) {
      if (meta?.destroyed) throw new VaultError(`secret ${where} version ${meta.version} was destroyed (404)`, 'destroyed', where, 404);
      if (meta?.deletion_time) {
        throw new VaultError(`secret ${where} version ${meta.version} was deleted at ${meta.deletion_time} (404): undelete it or write a new version`, 'deleted', where, 404);
      }
      throw new VaultError(`secret ${where} does not exist (404): write it with npm run rotate`, 'not-found', where, 404);
    }
    if (res.status !== 200 || !body?.data?.data || typeof meta?.version !== 'number') {
      throw new VaultError(`unexpected answer reading ${where} (${res.status}): ${vaultErrors(res.body) || 'no data'}`, 'unexpected', where, res.status);
    }
    const data = Object.fromEntries(Object.entries(body.data.data).map(([k, v]) => [k, String(v)]));
    this.redactor.registerSecret(data);
    await this.registerPrevious(apiPath, meta.version);
    return { path, version: meta.version, data };
  }

  /**
   * Registers the version before `version` too: right after a rotation, other
   * sandboxes and upstream caches still send the old credential, and a gateway
   * may echo it back to this one. Best effort: a version deleted, destroyed or
   * unreadable has nothing to register, and must not fail the read.
   */
  private async registerPrevious(apiPath: string, version: number): Promise<void> {
    if (version <= 1) return;
    const res = await this.client.request('GET', `${apiPath}?version=${version - 1}`).catch(() => undefined);
    const previous = (res?.body as KvReadBody | undefined)?.data?.data;
    if (res?.status === 200 && previous) this.redactor.registerSecret(Object.fromEntries(Object.entries(previous).map(([k, v]) => [k, String(v)])));
  }
}

/** The value of `key` in a secret, or an error naming the path, version and key (never a value). */
export function requireKey(secret: VersionedSecret, key: string): string {
  const value = secret.data[key];
  if (value === undefined || value === '') {
    throw new VaultError(`secret ${secret.path} (version ${secret.version}) has no key "${key}"`, 'missing-key', secret.path);
  }
  return value;
}
