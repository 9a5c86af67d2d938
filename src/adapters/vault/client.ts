/**
 * A small Vault HTTP client: token lifecycle (login, renew before expiry,
 * re-login once on 403), namespaces, timeouts. Auth methods are pluggable.
 */
import type { Clock } from '../../pipeline/ports';
import { VaultError, vaultErrors } from './errors';
import { processRedactor } from '../../observability/redaction';
import { upstreamExcerpt } from '../http';

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface VaultToken {
  token: string;
  /** Seconds the token is valid for; 0 means it does not expire. */
  leaseSeconds: number;
  renewable: boolean;
}

/** How the client obtains a token. */
export interface VaultAuthMethod {
  readonly name: string;
  /** Undefined: the proxy in front of Vault adds the token (Vault Lambda Extension). */
  login(client: VaultClient): Promise<VaultToken | undefined>;
}

export interface VaultClientOptions {
  address: string;
  namespace?: string;
  auth: VaultAuthMethod;
  fetch?: FetchLike;
  clock?: Clock;
  timeoutMs?: number;
}

export interface VaultResponse {
  status: number;
  body: unknown;
}

/** Renew when this share of the lease has passed, so a slow run never holds an expired token. */
const RENEW_AT_SHARE = 2 / 3;

export class VaultClient {
  readonly address: string;
  private readonly fetchFn: FetchLike;
  private readonly clock: Clock;
  private token?: VaultToken & { obtainedAt: number };
  private loggedIn = false;
  /** Set when the auth method supplies no token (a proxy adds it). */
  private tokenless = false;

  constructor(private readonly options: VaultClientOptions) {
    this.address = options.address.replace(/\/+$/, '');
    this.fetchFn = options.fetch ?? ((input, init) => fetch(input, init));
    this.clock = options.clock ?? { now: () => new Date() };
  }

  /** Sends a request without a token (used by auth methods to log in). */
  async send(method: string, path: string, body?: unknown, token?: string): Promise<VaultResponse> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (token) headers['X-Vault-Token'] = token;
    if (this.options.namespace) headers['X-Vault-Namespace'] = this.options.namespace;
    let res: Response;
    try {
      res = await this.fetchFn(`${this.address}/v1/${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
    } catch (e) {
      throw new VaultError(`could not reach Vault at ${this.address} for ${path}: ${(e as Error).message}`, 'unreachable', path, undefined, { cause: e });
    }
    const text = await res.text();
    let parsed: unknown = undefined;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        // A gateway's page, not Vault's JSON: it may echo the token header, so redact before cutting.
        parsed = { errors: [upstreamExcerpt(text)] };
      }
    }
    return { status: res.status, body: parsed };
  }

  /** Sends an authenticated request; logs in first if needed and once more after a 403. */
  async request(method: string, path: string, body?: unknown): Promise<VaultResponse> {
    const token = await this.currentToken();
    const res = await this.send(method, path, body, token);
    if (res.status === 403 && this.loggedIn && !this.tokenless) {
      // The token may have been revoked or expired early: log in again, once.
      this.token = undefined;
      return this.send(method, path, body, await this.currentToken());
    }
    return res;
  }

  private async currentToken(): Promise<string | undefined> {
    if (this.tokenless) return undefined;
    const now = this.clock.now().getTime();
    if (this.token && this.token.leaseSeconds > 0) {
      const age = (now - this.token.obtainedAt) / 1000;
      if (age >= this.token.leaseSeconds) this.token = undefined;
      else if (age >= this.token.leaseSeconds * RENEW_AT_SHARE) await this.renewOrRelogin(now);
    }
    if (!this.token) {
      const t = await this.options.auth.login(this);
      this.loggedIn = true;
      if (!t) {
        this.tokenless = true;
        return undefined;
      }
      processRedactor.register(t.token);
      this.token = { ...t, obtainedAt: now };
    }
    return this.token?.token;
  }

  private async renewOrRelogin(now: number): Promise<void> {
    const current = this.token;
    if (current?.renewable) {
      const res = await this.send('POST', 'auth/token/renew-self', {}, current.token);
      const auth = (res.body as { auth?: { client_token?: string; lease_duration?: number; renewable?: boolean } } | undefined)?.auth;
      if (res.status === 200 && auth?.client_token) {
        processRedactor.register(auth.client_token);
        this.token = { token: auth.client_token, leaseSeconds: auth.lease_duration ?? 0, renewable: auth.renewable ?? false, obtainedAt: now };
        return;
      }
    }
    // Not renewable, or renewal refused (max TTL reached): a fresh login.
    this.token = undefined;
  }

  /** Turns an auth response into a token, or a VaultError naming the mount. */
  static tokenFrom(res: VaultResponse, path: string): VaultToken {
    const auth = (res.body as { auth?: { client_token?: string; lease_duration?: number; renewable?: boolean } } | undefined)?.auth;
    if (res.status !== 200 || !auth?.client_token) {
      const detail = vaultErrors(res.body) || `status ${res.status}`;
      const failure = res.status === 503 ? 'sealed' : res.status === 403 || res.status === 400 ? 'permission-denied' : 'unexpected';
      throw new VaultError(`Vault login at ${path} failed (${res.status}): ${detail}`, failure, path, res.status);
    }
    return { token: auth.client_token, leaseSeconds: auth.lease_duration ?? 0, renewable: auth.renewable ?? false };
  }
}
