import { Construct } from 'constructs';
import { createHash } from 'node:crypto';
import { DataAwsSagemakerPrebuiltEcrImage } from '@cdktf/provider-aws/lib/data-aws-sagemaker-prebuilt-ecr-image';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { SagemakerModel } from '@cdktf/provider-aws/lib/sagemaker-model';
import { SagemakerEndpointConfiguration } from '@cdktf/provider-aws/lib/sagemaker-endpoint-configuration';
import { SagemakerEndpoint } from '@cdktf/provider-aws/lib/sagemaker-endpoint';
import { ARCHIVE_PREFIXES } from '../../src/config/runtime-config';
import { policyDocument, PolicyStatement, serviceTrustPolicy } from '../iam/policy-document';
import { ENDPOINT_DEFAULTS, supportsVolumeKms } from './defaults';

export type EndpointCapacity =
  | { mode: 'instance'; instanceType: string; instanceCount: number }
  | { mode: 'serverless'; memorySizeMb: number; maxConcurrency: number };

export interface ModelEndpointProps {
  readonly environment: string;
  readonly region: string;
  readonly accountId: string;
  readonly partition?: string;
  readonly archiveBucketName: string;
  readonly archiveBucketArn: string;
  readonly archiveKeyArn: string;
  readonly endpointName: string;
  readonly executionRoleName: string;
  readonly trainingRoleName: string;
  readonly capacity: EndpointCapacity;
  /** S3 key of the trained model under `models/env=<env>/`; no endpoint is created without one. */
  readonly modelArtifactKey?: string;
}

/** Actions SageMaker roles need that IAM cannot scope to a resource. */
export const SAGEMAKER_UNSCOPABLE_ACTIONS = ['ecr:GetAuthorizationToken', 'cloudwatch:PutMetricData'];

/**
 * SageMaker's built-in Random Cut Forest: the execution and training roles
 * always (training is how the first artifact comes to exist), and once an
 * artifact is configured, a network-isolated model, an endpoint configuration
 * that is replaced before the old one is destroyed, and the endpoint.
 */
export class ModelEndpoint extends Construct {
  public readonly executionRole: IamRole;
  public readonly trainingRole: IamRole;
  public readonly executionRoleArn: string;
  public readonly trainingRoleArn: string;
  /** Undefined until a model artifact is configured. */
  public readonly endpointName?: string;
  public readonly endpointArn?: string;

  constructor(scope: Construct, id: string, props: ModelEndpointProps) {
    super(scope, id);
    const partition = props.partition ?? 'aws';
    const env = props.environment;
    if (props.modelArtifactKey && !props.modelArtifactKey.startsWith(`${ARCHIVE_PREFIXES.models}env=${env}/`)) {
      throw new Error(`ModelEndpoint.modelArtifactKey: must be under ${ARCHIVE_PREFIXES.models}env=${env}/, got ${props.modelArtifactKey}`);
    }
    const image = new DataAwsSagemakerPrebuiltEcrImage(this, 'rcf-image', {
      repositoryName: ENDPOINT_DEFAULTS.imageRepository,
      imageTag: ENDPOINT_DEFAULTS.imageTag,
    });
    const repositoryArn = `arn:${partition}:ecr:${props.region}:${image.registryId}:repository/${ENDPOINT_DEFAULTS.imageRepository}`;
    const objects = (prefix: string) => `${props.archiveBucketArn}/${prefix}env=${env}/*`;
    const common = (logGroupKind: 'Endpoints' | 'TrainingJobs'): PolicyStatement[] => [
      { Sid: 'PullRcfImage', Effect: 'Allow', Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'], Resource: [repositoryArn] },
      {
        Sid: 'WriteSageMakerLogs',
        Effect: 'Allow',
        Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: [`arn:${partition}:logs:${props.region}:${props.accountId}:log-group:/aws/sagemaker/${logGroupKind}*`],
      },
      {
        // No resource-level permissions exist for these; PutMetricData is pinned to SageMaker's namespaces.
        Sid: 'UnscopableActions',
        Effect: 'Allow',
        Action: SAGEMAKER_UNSCOPABLE_ACTIONS,
        Resource: '*',
        Condition: { StringLikeIfExists: { 'cloudwatch:namespace': '/aws/sagemaker/*' } },
      },
    ];

    this.executionRole = new IamRole(this, 'execution-role', {
      name: props.executionRoleName,
      assumeRolePolicy: serviceTrustPolicy('sagemaker.amazonaws.com', props.accountId),
    });
    new IamRolePolicy(this, 'execution-policy', {
      name: 'read-model',
      role: this.executionRole.id,
      policy: policyDocument([
        { Sid: 'ReadModelArtifacts', Effect: 'Allow', Action: ['s3:GetObject'], Resource: [objects(ARCHIVE_PREFIXES.models)] },
        { Sid: 'DecryptArchive', Effect: 'Allow', Action: ['kms:Decrypt'], Resource: [props.archiveKeyArn] },
        ...common('Endpoints'),
      ]),
    });

    this.trainingRole = new IamRole(this, 'training-role', {
      name: props.trainingRoleName,
      assumeRolePolicy: serviceTrustPolicy('sagemaker.amazonaws.com', props.accountId),
    });
    new IamRolePolicy(this, 'training-policy', {
      name: 'train-model',
      role: this.trainingRole.id,
      policy: policyDocument([
        { Sid: 'ReadTrainingSets', Effect: 'Allow', Action: ['s3:GetObject'], Resource: [objects(ARCHIVE_PREFIXES.training)] },
        {
          Sid: 'ListTrainingSets',
          Effect: 'Allow',
          Action: ['s3:ListBucket'],
          Resource: [props.archiveBucketArn],
          Condition: { StringLike: { 's3:prefix': [`${ARCHIVE_PREFIXES.training}env=${env}/*`] } },
        },
        // Also read: the calibration batch transform runs the new model under this role and writes its scores beside it.
        { Sid: 'WriteModelArtifacts', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: [objects(ARCHIVE_PREFIXES.models)] },
        { Sid: 'UseArchiveKey', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: [props.archiveKeyArn] },
        ...common('TrainingJobs'),
      ]),
    });
    this.executionRoleArn = this.executionRole.arn;
    this.trainingRoleArn = this.trainingRole.arn;

    if (!props.modelArtifactKey) return;

    // Names change with the artifact and capacity, so replacements are created before the old ones go.
    const revision = createHash('sha256').update(JSON.stringify([props.modelArtifactKey, props.capacity])).digest('hex').slice(0, 8);
    const model = new SagemakerModel(this, 'model', {
      name: `${props.endpointName}-${revision}`,
      executionRoleArn: this.executionRole.arn,
      enableNetworkIsolation: true,
      primaryContainer: {
        image: image.registryPath,
        modelDataUrl: `s3://${props.archiveBucketName}/${props.modelArtifactKey}`,
      },
      lifecycle: { createBeforeDestroy: true },
    });
    const capacity = props.capacity;
    const config = new SagemakerEndpointConfiguration(this, 'config', {
      name: `${props.endpointName}-${revision}`,
      kmsKeyArn: capacity.mode === 'instance' && supportsVolumeKms(capacity.instanceType) ? props.archiveKeyArn : undefined,
      productionVariants: [
        capacity.mode === 'instance'
          ? {
              variantName: ENDPOINT_DEFAULTS.variantName,
              modelName: model.name,
              instanceType: capacity.instanceType,
              initialInstanceCount: capacity.instanceCount,
            }
          : {
              variantName: ENDPOINT_DEFAULTS.variantName,
              modelName: model.name,
              serverlessConfig: { memorySizeInMb: capacity.memorySizeMb, maxConcurrency: capacity.maxConcurrency },
            },
      ],
      lifecycle: { createBeforeDestroy: true },
    });
    const endpoint = new SagemakerEndpoint(this, 'endpoint', {
      name: props.endpointName,
      endpointConfigName: config.name,
    });
    this.endpointName = endpoint.name;
    this.endpointArn = endpoint.arn;
  }
}
