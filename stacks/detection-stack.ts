import { Construct } from 'constructs';
import { S3Backend, TerraformOutput, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { VaultProvider } from '@cdktf/provider-vault/lib/provider';
import type { EnvironmentConfig } from '../environments/schema';
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

    const { backend: _backend, tags: _tags, ...config } = env;
    const detector = new ContainerAnomalyDetector(this, DETECTOR_CONSTRUCT_ID, { config });
    this.detector = detector;
    detectorOutputs(this, detector);
  }
}

/** The outputs operators read after a deploy (the train and rotate tools derive the rest from names). */
export function detectorOutputs(scope: Construct, detector: ContainerAnomalyDetector): void {
  new TerraformOutput(scope, 'archive_bucket', { value: detector.archive.bucketName });
  new TerraformOutput(scope, 'alert_topic_arn', { value: detector.alertTopicArn });
  new TerraformOutput(scope, 'detector_function_name', { value: detector.detector.functionName });
  new TerraformOutput(scope, 'model_endpoint_name', {
    value: detector.model.endpointName ?? 'not deployed: no model artifact configured, the embedded detector scores',
  });
  new TerraformOutput(scope, 'vault_policy_name', { value: detector.vault.policyName });
  new TerraformOutput(scope, 'sagemaker_training_role_arn', { value: detector.model.trainingRoleArn });
  new TerraformOutput(scope, 'dead_letter_queue_url', { value: detector.deadLetters.queue.url });
}
