import { Construct } from 'constructs';
import { S3Backend, TerraformOutput, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { VaultProvider } from '@cdktf/provider-vault/lib/provider';
import type { DetectorConfigInput, EnvironmentConfig } from '../environments/schema';
import { ContainerAnomalyDetector } from '../modules/container-anomaly-detector';

export const PROJECT_TAG = 'container-anomaly-detector';

/**
 * The id under which this project's stacks hold the detector. CDKTF leaves
 * `Default` out of logical ids, so the resources keep the addresses they had
 * before the construct existed and deployed environments plan no change.
 */
export const DETECTOR_CONSTRUCT_ID = 'Default';

/**
 * One environment of this project: its providers, state backend and outputs
 * around the `ContainerAnomalyDetector` construct, which holds every resource.
 */
export class DetectionStack extends TerraformStack {
  public readonly detector: ContainerAnomalyDetector;

  constructor(scope: Construct, id: string, env: EnvironmentConfig) {
    super(scope, id);
    new AwsProvider(this, 'aws', {
      region: env.aws.region,
      allowedAccountIds: env.aws.accountId ? [env.aws.accountId] : undefined,
      defaultTags: [{ tags: { project: PROJECT_TAG, environment: env.name, ...env.tags } }],
    });
    // The token comes from the deployer's VAULT_TOKEN; it never appears in code or state.
    new VaultProvider(this, 'vault', { address: env.vault.address, namespace: env.vault.namespace });
    new S3Backend(this, {
      bucket: env.backend.bucket,
      key: env.backend.key ?? `container-anomaly/${env.name}/terraform.tfstate`,
      region: env.backend.region,
      encrypt: true,
    });
    // The 0.21 S3Backend type lacks S3-native locking (Terraform ≥ 1.10).
    this.addOverride('terraform.backend.s3.use_lockfile', env.backend.useLockfile);

    this.detector = new ContainerAnomalyDetector(this, DETECTOR_CONSTRUCT_ID, { config: detectorConfigOf(env) });
    detectorOutputs(this, this.detector);
  }
}

/** What a deploy hands operators (the train and rotate tools derive the rest from names), with what each is for. */
export const DETECTOR_OUTPUTS: ReadonlyArray<{ name: string; description: string; value: (d: ContainerAnomalyDetector) => string }> = [
  { name: 'archive_bucket', description: 'S3 bucket of the metric archive, detector state and models', value: (d) => d.archive.bucketName },
  { name: 'alert_topic_arn', description: 'SNS topic the detector and its alarms publish to', value: (d) => d.alertTopicArn },
  { name: 'detector_function_name', description: 'The detector Lambda', value: (d) => d.detector.functionName },
  {
    name: 'model_endpoint_name',
    description: 'SageMaker endpoint that scores, or why there is none yet',
    value: (d) => d.model.endpointName ?? 'not deployed: no model artifact configured, the embedded detector scores',
  },
  { name: 'vault_policy_name', description: 'Vault policy that reads the detector’s two secrets', value: (d) => d.vault.policyName },
  { name: 'sagemaker_training_role_arn', description: 'Role `npm run train` passes to SageMaker training jobs', value: (d) => d.model.trainingRoleArn },
  { name: 'dead_letter_queue_url', description: 'SQS queue of runs that failed or could not be delivered', value: (d) => d.deadLetters.queue.url },
];

export function detectorOutputs(scope: Construct, detector: ContainerAnomalyDetector): void {
  for (const o of DETECTOR_OUTPUTS) new TerraformOutput(scope, o.name, { value: o.value(detector), description: o.description });
}

/** The detector's part of an environment: everything but what this project's stacks own themselves. */
export function detectorConfigOf(env: EnvironmentConfig): DetectorConfigInput {
  const { backend: _backend, tags: _tags, ...config } = env;
  return config;
}
