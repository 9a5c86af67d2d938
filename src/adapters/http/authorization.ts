/**
 * How a credential read from Vault becomes the `Authorization` header each
 * service gets. The Splunk collector and `rotate --verify` both build it here,
 * so an operator's check proves exactly what the Lambda will send; the
 * Dynatrace collector sends the same `Api-Token <apiToken>` on every page.
 */
import type { VersionedSecret } from '../../core/ports';
import { requireKey } from '../vault/secret-provider';

export type SplunkAuthScheme = 'bearer' | 'basic';

/** The keys each scheme reads from the Splunk secret. */
export const SPLUNK_SECRET_KEYS: Record<SplunkAuthScheme, readonly string[]> = { bearer: ['token'], basic: ['username', 'password'] };
export const DYNATRACE_SECRET_KEY = 'apiToken';

/**
 * Splunk REST API: `Authorization: Bearer <token>` for an authentication token,
 * or HTTP Basic (base64 of `user:password`)
 * (https://docs.splunk.com/Documentation/Splunk/latest/RESTUM/RESTusing, "Authentication and authorization").
 */
export function splunkAuthorization(scheme: SplunkAuthScheme, secret: VersionedSecret): string {
  if (scheme === 'bearer') return `Bearer ${requireKey(secret, 'token')}`;
  const user = requireKey(secret, 'username');
  return `Basic ${Buffer.from(`${user}:${requireKey(secret, 'password')}`).toString('base64')}`;
}

/** Dynatrace API: `Authorization: Api-Token <token>` (https://docs.dynatrace.com/docs/shortlink/api-authentication). */
export function dynatraceAuthorization(secret: VersionedSecret): string {
  return `Api-Token ${requireKey(secret, DYNATRACE_SECRET_KEY)}`;
}
