import { defineEnvironment } from './schema';

/** Production: the archive cannot be destroyed, two endpoint instances, IAM auth through a pinned server id. */
export default defineEnvironment({
  name: 'prod',
  aws: { region: 'eu-west-1', accountId: '210987654321' },
  backend: { bucket: 'acme-terraform-state-prod', region: 'eu-west-1' },
  vault: {
    address: 'https://vault.example.com:8200',
    pathPrefix: 'container-anomaly/prod',
    iamServerIdHeader: 'vault.example.com',
    tokenTtlSeconds: 600,
  },
  splunk: { baseUrl: 'https://splunk.example.com:8089', index: 'ecs_metrics_prod', lookbackMinutes: 10 },
  dynatrace: { environmentUrl: 'https://prd11223.live.dynatrace.com' },
  ecs: {
    clusterName: 'apps-prod',
    services: [
      { name: 'checkout-api', minTasks: 4, maxTasks: 24 },
      { name: 'catalog-api', minTasks: 3, maxTasks: 12 },
      { name: 'payments-worker', minTasks: 2, maxTasks: 10 },
      { name: 'search-api', minTasks: 3, maxTasks: 16 },
    ],
    cooldownMinutes: 20,
  },
  lambda: { memoryMb: 1536, timeoutSeconds: 240, architecture: 'arm64' },
  sagemaker: {
    capacity: { mode: 'instance', instanceType: 'ml.c5.xlarge', instanceCount: 2 },
    modelArtifactKey: 'models/env=prod/rcf-2026-11-01/output/model.tar.gz',
  },
  alerts: { emails: ['sre-oncall@example.com'], httpsEndpoints: ['https://events.pagerduty.com/integration/abc123/enqueue'] },
  archive: { expireAfterDays: 730, noncurrentExpireAfterDays: 30, preventDestroy: true },
  logRetentionDays: 365,
  tags: { 'cost-center': 'platform', 'data-classification': 'internal' },
  dryRun: false,
});
