import { Construct } from 'constructs';
import { S3Backend, TerraformOutput, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { VaultProvider } from '@cdktf/provider-vault/lib/provider';
import type { EnvironmentConfig } from '../environments/schema';
import { names } from '../src/config/naming';
import { toRuntimeConfig } from '../src/config/from-environment';
import { EncryptionKey } from '../modules/encryption-key';
import { ArchiveBucket } from '../modules/archive-bucket';
import { AlertTopic } from '../modules/alert-topic';
import { DeadLetterQueue } from '../modules/dead-letter-queue';
import { ModelEndpoint } from '../modules/model-endpoint';
import { DetectorFunction } from '../modules/detector-function';
import { Schedule } from '../modules/schedule';
import { VaultSecrets } from '../modules/vault-secrets';
import { PipelineAlarms } from '../modules/pipeline-alarms';

export const PROJECT_TAG = 'container-anomaly-detector';

/**
 * One environment's detector: composes the constructs, sets providers,
 * backend and outputs. Resource details live in `modules/`.
 */
export class DetectionStack extends TerraformStack {
  constructor(scope: Construct, id: string, env: EnvironmentConfig) {
    super(scope, id);
    const region = env.aws.region;
    new AwsProvider(this, 'aws', {
      region,
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

    const accountId = env.aws.accountId ?? new DataAwsCallerIdentity(this, 'account').accountId;
    const partition = new DataAwsPartition(this, 'partition').partition;

    const archiveKey = new EncryptionKey(this, 'archive-key', {
      alias: `cad-${env.name}-archive`,
      description: `Container anomaly detector (${env.name}): metric archive and models`,
      accountId,
      partition,
    });
    const messagingKey = new EncryptionKey(this, 'messaging-key', {
      alias: `cad-${env.name}-messaging`,
      description: `Container anomaly detector (${env.name}): alert topic and dead-letter queue`,
      accountId,
      partition,
      serviceGrants: [
        { service: 'cloudwatch.amazonaws.com', actions: ['kms:Decrypt', 'kms:GenerateDataKey*'] },
        { service: 'events.amazonaws.com', actions: ['kms:Decrypt', 'kms:GenerateDataKey*'] },
      ],
    });
    const logsKey = new EncryptionKey(this, 'logs-key', {
      alias: `cad-${env.name}-logs`,
      description: `Container anomaly detector (${env.name}): function logs and environment`,
      accountId,
      partition,
      serviceGrants: [
        {
          service: `logs.${region}.amazonaws.com`,
          actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
          condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${partition}:logs:${region}:${accountId}:log-group:*` } },
        },
      ],
    });

    const archive = new ArchiveBucket(this, 'archive', {
      bucketName: names.archiveBucket(env.name, accountId, region),
      accessLogBucketName: names.accessLogBucket(env.name, accountId, region),
      kmsKeyArn: archiveKey.arn,
      accountId,
      expireAfterDays: env.archive.expireAfterDays,
      noncurrentExpireAfterDays: env.archive.noncurrentExpireAfterDays,
      preventDestroy: env.archive.preventDestroy,
    });
    const alerts = new AlertTopic(this, 'alerts', {
      topicName: names.alertTopic(env.name),
      kmsKeyArn: messagingKey.arn,
      accountId,
      region,
      partition,
      emails: env.alerts.emails,
      httpsEndpoints: env.alerts.httpsEndpoints,
    });
    const deadLetters = new DeadLetterQueue(this, 'dead-letters', {
      queueName: `cad-${env.name}-detector-dlq`,
      kmsKeyArn: messagingKey.arn,
    });
    const model = new ModelEndpoint(this, 'model', {
      environment: env.name,
      region,
      accountId,
      partition,
      archiveBucketName: archive.bucketName,
      archiveBucketArn: archive.bucketArn,
      archiveKeyArn: archiveKey.arn,
      endpointName: names.endpoint(env.name),
      executionRoleName: names.sagemakerExecutionRole(env.name),
      trainingRoleName: names.sagemakerTrainingRole(env.name),
      capacity: env.sagemaker.capacity,
      modelArtifactKey: env.sagemaker.modelArtifactKey,
    });

    const detector = new DetectorFunction(this, 'detector', {
      environment: env.name,
      functionName: names.detectorFunction(env.name),
      roleName: names.detectorRole(env.name),
      region,
      accountId,
      partition,
      runtimeConfig: toRuntimeConfig(env, {
        archiveBucket: archive.bucketName,
        alertTopicArn: alerts.topicArn,
        endpointName: model.endpointName,
      }),
      access: {
        archiveBucketArn: archive.bucketArn,
        archiveKeyArn: archiveKey.arn,
        alertTopicArn: alerts.topicArn,
        messagingKeyArn: messagingKey.arn,
        deadLetterQueueArn: deadLetters.queueArn,
        endpointArn: model.endpointArn,
        ecsServiceArns: env.ecs.services.map(
          (s) => `arn:${partition}:ecs:${region}:${accountId}:service/${env.ecs.clusterName}/${s.name}`,
        ),
        scalableTargetTag: env.ecs.scalableTargetTag,
      },
      logsKeyArn: logsKey.arn,
      memoryMb: env.lambda.memoryMb,
      timeoutSeconds: env.lambda.timeoutSeconds,
      architecture: env.lambda.architecture,
      logRetentionDays: env.logRetentionDays,
      vpc: env.lambda.vpc,
    });
    new Schedule(this, 'schedule', {
      ruleName: `cad-${env.name}-detector-schedule`,
      expression: env.schedule.expression,
      timeoutSeconds: env.lambda.timeoutSeconds,
      functionName: detector.functionName,
      functionArn: detector.functionArn,
      deadLetterQueueArn: deadLetters.queueArn,
      deadLetterQueueUrl: deadLetters.queue.url,
    });
    const vault = new VaultSecrets(this, 'vault-secrets', {
      environment: env.name,
      kvMount: env.vault.kvMount,
      createKvMount: env.vault.createKvMount,
      pathPrefix: env.vault.pathPrefix,
      awsAuthMount: env.vault.awsAuthMount,
      policyName: names.vaultPolicy(env.name),
      authRoleName: names.vaultAuthRole(env.name),
      lambdaRoleArn: detector.roleArn,
      tokenTtlSeconds: env.vault.tokenTtlSeconds,
      maxVersions: env.vault.secretMaxVersions,
      namespace: env.vault.namespace,
    });
    new PipelineAlarms(this, 'alarms', {
      environment: env.name,
      region,
      functionName: detector.functionName,
      timeoutSeconds: env.lambda.timeoutSeconds,
      deadLetterQueueName: deadLetters.queueName,
      alertTopicArn: alerts.topicArn,
      alertTopicName: alerts.topic.name,
      endpointName: model.endpointName,
    });

    new TerraformOutput(this, 'archive_bucket', { value: archive.bucketName });
    new TerraformOutput(this, 'alert_topic_arn', { value: alerts.topicArn });
    new TerraformOutput(this, 'detector_function_name', { value: detector.functionName });
    new TerraformOutput(this, 'model_endpoint_name', {
      value: model.endpointName ?? 'not deployed: no model artifact configured, the embedded detector scores',
    });
    new TerraformOutput(this, 'vault_policy_name', { value: vault.policyName });
    new TerraformOutput(this, 'sagemaker_training_role_arn', { value: model.trainingRoleArn });
    new TerraformOutput(this, 'dead_letter_queue_url', { value: deadLetters.queue.url });
  }
}
