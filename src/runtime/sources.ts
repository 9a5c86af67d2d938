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
  const { splunk, dynatrace } = config;
  return [
    new SplunkSource(
      { baseUrl: splunk.baseUrl, spl: splunk.spl, authScheme: splunk.authScheme, secretPath: config.vault.splunkPath, fields: splunk.fields },
      { secrets, fetch: fetchFn },
    ),
    new DynatraceSource(
      {
        environmentUrl: dynatrace.environmentUrl,
        resolution: dynatrace.resolution,
        entitySelector: dynatrace.entitySelector,
        dimensions: dynatrace.dimensions,
        metrics: dynatrace.metrics,
        secretPath: config.vault.dynatracePath,
      },
      { secrets, fetch: fetchFn },
    ),
  ];
}
