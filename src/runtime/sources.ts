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
  return createSourcesFrom(config, { splunk: config.vault.splunkPath, dynatrace: config.vault.dynatracePath }, secrets, fetchFn);
}

/** The sources from their settings alone (what `check-sources` has without a whole runtime config). */
export function createSourcesFrom(
  { splunk, dynatrace }: Pick<RuntimeConfig, 'splunk' | 'dynatrace'>,
  secretPaths: { splunk: string; dynatrace: string },
  secrets: SecretProvider,
  fetchFn?: FetchLike,
): MetricSource[] {
  const sources: MetricSource[] = [
    // Splunk is always asked: even with no metric mapped, it names each container's service and cluster.
    new SplunkSource(
      { baseUrl: splunk.baseUrl, spl: splunk.spl, authScheme: splunk.authScheme, secretPath: secretPaths.splunk, fields: splunk.fields },
      { secrets, fetch: fetchFn },
    ),
  ];
  if (Object.keys(dynatrace.metrics).length === 0) return sources;
  sources.push(
    new DynatraceSource(
      {
        environmentUrl: dynatrace.environmentUrl,
        resolution: dynatrace.resolution,
        entitySelector: dynatrace.entitySelector,
        dimensions: dynatrace.dimensions,
        metrics: dynatrace.metrics,
        secretPath: secretPaths.dynatrace,
      },
      { secrets, fetch: fetchFn },
    ),
  );
  return sources;
}
