import { defineEnvironment } from './schema';

/** Development: serverless SageMaker (no model yet, so the embedded detector scores), dry-run scaling. */
export default defineEnvironment({
  name: 'dev',
  aws: { region: 'eu-west-1' },
  backend: { bucket: 'acme-terraform-state-dev', region: 'eu-west-1' },
  vault: { address: 'https://vault.dev.example.com:8200', pathPrefix: 'container-anomaly/dev', createKvMount: true, kvMount: 'container-anomaly-dev' },
  splunk: { baseUrl: 'https://splunk.dev.example.com:8089', index: 'ecs_metrics_dev' },
  dynatrace: { environmentUrl: 'https://dev12345.live.dynatrace.com' },
  ecs: {
    clusterName: 'apps-dev',
    services: [
      { name: 'checkout-api', minTasks: 1, maxTasks: 4 },
      { name: 'catalog-api', minTasks: 1, maxTasks: 3 },
    ],
  },
  sagemaker: { capacity: { mode: 'serverless', memorySizeMb: 2048, maxConcurrency: 1 } },
  logRetentionDays: 14,
  tags: { 'cost-center': 'platform-dev' },
  dryRun: true,
});
