import { Construct } from 'constructs';
import { Fn, Token } from 'cdktf';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { parseDetectorConfig, type DetectorConfig, type DetectorConfigInput } from '../../environments/schema';
import { NAME_PREFIX, namesFor } from '../../src/config/naming';
import { toRuntimeConfig } from '../../src/config/from-environment';
import { ArchiveBucket } from '../archive-bucket';
import { AlertTopic } from '../alert-topic';
import { DeadLetterQueue } from '../dead-letter-queue';
import { ModelEndpoint } from '../model-endpoint';
import { DetectorFunction } from '../detector-function';
import { Schedule } from '../schedule';
import { VaultSecrets } from '../vault-secrets';
import { PipelineAlarms } from '../pipeline-alarms';
import { detectorKeys, type DetectorKeys } from './encryption-keys';

export interface ContainerAnomalyDetectorProps {
  /**
   * What to watch and how to act: Vault, Splunk, Dynatrace, the ECS services
   * it may scale, schedule, model, alerts, retention. Validated before any
   * resource exists; an error names the field (`<name>.ecs.services[1].maxTasks: …`).
   * Fields that name a resource of your stack (`lambda.vpc` subnets and
   * security groups, `vault.kvMount`, `alerts.existingTopicArn`,
   * `existingKmsKeyArn`) accept tokens; ECS names must be literals.
   */
  readonly config: DetectorConfigInput;
  /**
   * Start of every resource name: `<namePrefix>-<config.name>-detector`, …
   * At most 10 characters, so bucket names stay within S3's 63. Default `cad`.
   */
  readonly namePrefix?: string;
}

const NAME_PREFIX_PATTERN = /^[a-z][a-z0-9-]{0,9}$/;

/**
 * AI-driven anomaly detection for ECS containers, as one construct: a
 * scheduled Lambda that reads its credentials from Vault, collects metrics
 * from Splunk and Dynatrace, archives them to S3, scores them on SageMaker
 * (or its embedded detector) and scales the affected services within bounds,
 * with alarms on itself. It creates no provider, backend or tags: the stack
 * it is added to owns those.
 *
 * @example
 * new AwsProvider(stack, 'aws', { region: 'eu-west-1', defaultTags: [{ tags: { team: 'platform' } }] });
 * new VaultProvider(stack, 'vault', { address: 'https://vault.example.com:8200' });
 * const detector = new ContainerAnomalyDetector(stack, 'anomaly-detector', {
 *   namePrefix: 'acme',
 *   config: {
 *     name: 'prod',
 *     aws: { region: 'eu-west-1' },
 *     vault: { address: 'https://vault.example.com:8200', pathPrefix: 'container-anomaly/prod' },
 *     splunk: { baseUrl: 'https://splunk.example.com:8089' },
 *     dynatrace: { environmentUrl: 'https://abc12345.live.dynatrace.com' },
 *     ecs: { clusterName: 'apps', services: [{ name: 'checkout-api', minTasks: 2, maxTasks: 8 }] },
 *     lambda: { vpc: { subnetIds: vpc.privateSubnets, securityGroupIds: [sg.id] } },
 *   },
 * });
 * new TerraformOutput(stack, 'detector_role', { value: detector.detector.roleArn });
 */
export class ContainerAnomalyDetector extends Construct {
  /** The validated configuration, every default applied. */
  public readonly config: DetectorConfig;
  public readonly keys: DetectorKeys;
  public readonly archive: ArchiveBucket;
  /** Undefined when alerts go to an existing topic (`alerts.existingTopicArn`). */
  public readonly alertTopic?: AlertTopic;
  public readonly alertTopicArn: string;
  public readonly deadLetters: DeadLetterQueue;
  public readonly model: ModelEndpoint;
  public readonly detector: DetectorFunction;
  public readonly schedule: Schedule;
  public readonly vault: VaultSecrets;
  public readonly alarms: PipelineAlarms;

  constructor(scope: Construct, id: string, props: ContainerAnomalyDetectorProps) {
    super(scope, id);
    const namePrefix = props.namePrefix ?? NAME_PREFIX;
    if (!NAME_PREFIX_PATTERN.test(namePrefix)) {
      throw new Error(`ContainerAnomalyDetector.namePrefix: must be 1-10 lowercase letters, digits or dashes, starting with a letter, got ${namePrefix}`);
    }
    const config = parseDetectorConfig(props.config, typeof props.config.name === 'string' ? props.config.name : id);
    this.config = config;
    const env = config.name;
    const names = namesFor(namePrefix);
    const stem = `${namePrefix}-${env}`;
    const region = config.aws.region;
    const accountId = config.aws.accountId ?? new DataAwsCallerIdentity(this, 'account').accountId;
    const partition = new DataAwsPartition(this, 'partition').partition;

    this.keys = detectorKeys(this, { stem, environment: env, region, accountId, partition, existingKeyArn: config.existingKmsKeyArn });
    this.archive = new ArchiveBucket(this, 'archive', {
      bucketName: names.archiveBucket(env, accountId, region),
      accessLogBucketName: names.accessLogBucket(env, accountId, region),
      kmsKeyArn: this.keys.archiveKeyArn,
      accountId,
      expireAfterDays: config.archive.expireAfterDays,
      noncurrentExpireAfterDays: config.archive.noncurrentExpireAfterDays,
      preventDestroy: config.archive.preventDestroy,
    });
    this.alertTopic = config.alerts.existingTopicArn
      ? undefined
      : new AlertTopic(this, 'alerts', {
          topicName: names.alertTopic(env),
          kmsKeyArn: this.keys.messagingKeyArn,
          accountId,
          region,
          partition,
          emails: config.alerts.emails,
          httpsEndpoints: config.alerts.httpsEndpoints,
        });
    this.alertTopicArn = this.alertTopic?.topicArn ?? (config.alerts.existingTopicArn as string);
    this.deadLetters = new DeadLetterQueue(this, 'dead-letters', { queueName: `${stem}-detector-dlq`, kmsKeyArn: this.keys.messagingKeyArn });
    this.model = new ModelEndpoint(this, 'model', {
      environment: env,
      region,
      accountId,
      partition,
      archiveBucketName: this.archive.bucketName,
      archiveBucketArn: this.archive.bucketArn,
      archiveKeyArn: this.keys.archiveKeyArn,
      endpointName: names.endpoint(env),
      executionRoleName: names.sagemakerExecutionRole(env),
      trainingRoleName: names.sagemakerTrainingRole(env),
      capacity: config.sagemaker.capacity,
      modelArtifactKey: config.sagemaker.modelArtifactKey,
    });

    const vaultAuthRole = names.vaultAuthRole(env);
    this.detector = new DetectorFunction(this, 'detector', {
      environment: env,
      functionName: names.detectorFunction(env),
      roleName: names.detectorRole(env),
      region,
      accountId,
      partition,
      runtimeConfig: toRuntimeConfig(config, {
        archiveBucket: this.archive.bucketName,
        alertTopicArn: this.alertTopicArn,
        endpointName: this.model.endpointName,
        vaultAuthRole,
      }),
      access: {
        archiveBucketArn: this.archive.bucketArn,
        archiveKeyArn: this.keys.archiveKeyArn,
        alertTopicArn: this.alertTopicArn,
        messagingKeyArn: this.keys.messagingKeyArn,
        deadLetterQueueArn: this.deadLetters.queueArn,
        endpointArn: this.model.endpointArn,
        ecsServiceArns: config.ecs.services.map(
          (s) => `arn:${partition}:ecs:${region}:${accountId}:service/${config.ecs.clusterName}/${s.name}`,
        ),
        scalableTargetTag: config.ecs.scalableTargetTag,
      },
      logsKeyArn: this.keys.logsKeyArn,
      memoryMb: config.lambda.memoryMb,
      timeoutSeconds: config.lambda.timeoutSeconds,
      architecture: config.lambda.architecture,
      logRetentionDays: config.logRetentionDays,
      vpc: config.lambda.vpc,
    });
    this.schedule = new Schedule(this, 'schedule', {
      ruleName: `${stem}-detector-schedule`,
      expression: config.schedule.expression,
      timeoutSeconds: config.lambda.timeoutSeconds,
      functionName: this.detector.functionName,
      functionArn: this.detector.functionArn,
      deadLetterQueueArn: this.deadLetters.queueArn,
      deadLetterQueueUrl: this.deadLetters.queue.url,
    });
    this.vault = new VaultSecrets(this, 'vault-secrets', {
      environment: env,
      kvMount: config.vault.kvMount,
      createKvMount: config.vault.createKvMount,
      pathPrefix: config.vault.pathPrefix,
      awsAuthMount: config.vault.awsAuthMount,
      policyName: names.vaultPolicy(env),
      authRoleName: vaultAuthRole,
      lambdaRoleArn: this.detector.roleArn,
      tokenTtlSeconds: config.vault.tokenTtlSeconds,
      maxVersions: config.vault.secretMaxVersions,
      namespace: config.vault.namespace,
    });
    this.alarms = new PipelineAlarms(this, 'alarms', {
      environment: env,
      namePrefix,
      region,
      functionName: this.detector.functionName,
      timeoutSeconds: config.lambda.timeoutSeconds,
      deadLetterQueueName: this.deadLetters.queueName,
      alertTopicArn: this.alertTopicArn,
      alertTopicName: this.alertTopic?.topic.name ?? topicNameOf(this.alertTopicArn),
      endpointName: this.model.endpointName,
    });
  }
}

/** The topic name is the ARN's sixth field (`arn:aws:sns:<region>:<account>:<name>`); a token is split at apply time. */
function topicNameOf(topicArn: string): string {
  if (Token.isUnresolved(topicArn)) return Fn.element(Fn.split(':', topicArn), 5);
  return topicArn.split(':')[5];
}
