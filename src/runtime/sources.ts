/** Builds the metric sources and secret provider from the runtime configuration. */
import type { RuntimeConfig } from '../config/runtime-config';
import type { MetricSource, SecretProvider } from '../core/ports';
import type { Clock } from '../pipeline/ports';
import { SplunkSource } from '../adapters/splunk/source';
import { DynatraceSource } from '../adapters/dynatrace/source';
import { VaultClient, type FetchLike, type VaultAuthMethod } from '../adapters/vault/client';
import { VaultSecretProvider } from '../adapters/vault/secret-provider';

export function createSecretProvider(config: RuntimeConfig, auth: VaultAuthMethod, deps: { fetch?: FetchLike; clock?: Clock } = {}): SecretProvider {
  const client = new VaultClient({ address: config.vault.address, namespace: config.vault.namespace, auth, fetch: deps.fetch, clock: deps.clock });
  return new VaultSecretProvider(client, { kvMount: config.vault.kvMount, cacheTtlSeconds: config.vault.cacheTtlSeconds, clock: deps.clock });
}

export function createSources(config: RuntimeConfig, secrets: SecretProvider, fetchFn?: FetchLike): MetricSource[] {
  return [
    new SplunkSource(
      { baseUrl: config.splunk.baseUrl, spl: config.splunk.spl, authScheme: config.splunk.authScheme, secretPath: config.vault.splunkPath },
      { secrets, fetch: fetchFn },
    ),
    new DynatraceSource(
      {
        environmentUrl: config.dynatrace.environmentUrl,
        metricSelectors: config.dynatrace.metricSelectors,
        resolution: config.dynatrace.resolution,
        entitySelector: config.dynatrace.entitySelector,
        secretPath: config.vault.dynatracePath,
      },
      { secrets, fetch: fetchFn },
    ),
  ];
}
