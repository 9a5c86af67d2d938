import { defineEnvironment } from './schema';

/** Staging: mirrors prod's shape at a smaller size, with a trained model on a single instance. */
export default defineEnvironment({
  name: 'staging',
  aws: { region: 'eu-west-1' },
  backend: { bucket: 'acme-terraform-state-staging', region: 'eu-west-1' },
  vault: { address: 'https://vault.example.com:8200', pathPrefix: 'container-anomaly/staging' },
  splunk: { baseUrl: 'https://splunk.example.com:8089', index: 'ecs_metrics_staging' },
  dynatrace: { environmentUrl: 'https://stg67890.live.dynatrace.com' },
  ecs: {
    clusterName: 'apps-staging',
    services: [
      { name: 'checkout-api', minTasks: 2, maxTasks: 6 },
      { name: 'catalog-api', minTasks: 2, maxTasks: 6 },
      { name: 'payments-worker', minTasks: 1, maxTasks: 4 },
    ],
  },
  sagemaker: {
    capacity: { mode: 'instance', instanceType: 'ml.m5.large', instanceCount: 1 },
    modelArtifactKey: 'models/env=staging/rcf-2026-11-01/output/model.tar.gz',
  },
  alerts: { emails: ['sre-staging@example.com'] },
  logRetentionDays: 30,
});
