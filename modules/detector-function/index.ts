import { Construct } from 'constructs';
import { AssetType, TerraformAsset, Token } from 'cdktf';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaFunctionEventInvokeConfig } from '@cdktf/provider-aws/lib/lambda-function-event-invoke-config';
import { ARCHIVE_PREFIXES, DETECTOR_CONFIG_ENV, type RuntimeConfigInput } from '../../src/config/runtime-config';
import { detectorMetrics } from '../../src/config/naming';
import { policyDocument, PolicyStatement, serviceTrustPolicy } from '../iam/policy-document';
import { jsonEncode } from '../encoding/json-encode';
import { checkServiceArns, scalingStatements } from '../iam/scaling-statements';
import { bundleLambda, writeBundleZip, type LambdaBundle } from './bundle';
import { FUNCTION_DEFAULTS } from './defaults';

/** What the function may touch; every permission is scoped to these ARNs. */
export interface DetectorFunctionAccess {
  readonly archiveBucketArn: string;
  readonly archiveKeyArn: string;
  readonly alertTopicArn: string;
  /** Key of the topic and the dead-letter queue. */
  readonly messagingKeyArn: string;
  readonly deadLetterQueueArn: string;
  /** Absent while no model is deployed: no SageMaker permission at all. */
  readonly endpointArn?: string;
  readonly ecsServiceArns: string[];
  /** Set when the services' scalable targets carry this tag: RegisterScalableTarget is limited to them. */
  readonly scalableTargetTag?: { key: string; value: string };
}

export interface DetectorFunctionProps {
  readonly environment: string;
  readonly functionName: string;
  readonly roleName: string;
  readonly region: string;
  readonly accountId: string;
  readonly partition?: string;
  readonly runtimeConfig: RuntimeConfigInput;
  readonly access: DetectorFunctionAccess;
  /** Encrypts the log group and the environment variables. */
  readonly logsKeyArn: string;
  readonly memoryMb?: number;
  readonly timeoutSeconds?: number;
  readonly architecture?: 'arm64' | 'x86_64';
  readonly logRetentionDays?: number;
  readonly vpc?: { subnetIds: string[]; securityGroupIds: string[] };
  /** Defaults to the esbuild bundle of `handlers/detect.ts`. */
  readonly bundle?: LambdaBundle;
}

/** Actions with no resource-level permissions in IAM; the only statements allowed a `*` resource. */
export const UNSCOPABLE_ACTIONS = ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'application-autoscaling:DescribeScalableTargets'];

/** Builds the function role's statements: each names its resources explicitly. */
export function detectorStatements(
  env: string,
  access: DetectorFunctionAccess,
  logGroupArn: string,
  logsKeyArn: string,
  region: string,
  accountId: string,
  partition: string,
): PolicyStatement[] {
  const objects = (prefix: string) => `${access.archiveBucketArn}/${prefix}env=${env}/*`;
  const statements: PolicyStatement[] = [
    {
      Sid: 'ArchiveMetricsAndState',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:PutObject'],
      Resource: [objects(ARCHIVE_PREFIXES.metrics), objects(ARCHIVE_PREFIXES.state)],
    },
    { Sid: 'ReadModelMetadata', Effect: 'Allow', Action: ['s3:GetObject'], Resource: [objects(ARCHIVE_PREFIXES.models)] },
    {
      // Without ListBucket a missing object answers 403 instead of 404; the first run has no state yet.
      Sid: 'ListOwnPrefixes',
      Effect: 'Allow',
      Action: ['s3:ListBucket'],
      Resource: [access.archiveBucketArn],
      Condition: {
        StringLike: { 's3:prefix': [`${ARCHIVE_PREFIXES.state}env=${env}/*`, `${ARCHIVE_PREFIXES.models}env=${env}/*`] },
      },
    },
    { Sid: 'UseArchiveKey', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: [access.archiveKeyArn] },
    { Sid: 'PublishAlerts', Effect: 'Allow', Action: ['sns:Publish'], Resource: [access.alertTopicArn] },
    { Sid: 'UseMessagingKey', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: [access.messagingKeyArn] },
    { Sid: 'DeadLetterFailedRuns', Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: [access.deadLetterQueueArn] },
    { Sid: 'DecryptEnvironment', Effect: 'Allow', Action: ['kms:Decrypt'], Resource: [logsKeyArn] },
    ...scalingStatements(access, region, accountId, partition),
    { Sid: 'WriteOwnLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: [`${logGroupArn}:*`] },
    {
      // X-Ray and DescribeScalableTargets support no resource-level permissions (IAM service authorization reference).
      Sid: 'UnscopableActions',
      Effect: 'Allow',
      Action: UNSCOPABLE_ACTIONS,
      Resource: '*',
    },
  ];
  if (access.endpointArn) {
    statements.push({ Sid: 'InvokeModelEndpoint', Effect: 'Allow', Action: ['sagemaker:InvokeEndpoint'], Resource: [access.endpointArn] });
  }
  return statements;
}

/**
 * The detector Lambda: bundled at synth, Node 22 on arm64, one run at a time,
 * traced, logging to a KMS-encrypted group with retention, failed async runs
 * to the dead-letter queue, and a role scoped to exactly what it touches.
 */
export class DetectorFunction extends Construct {
  public readonly function: LambdaFunction;
  public readonly role: IamRole;
  public readonly logGroup: CloudwatchLogGroup;
  /** The deployment package, copied next to the synthesized Terraform. */
  public readonly bundleAsset: TerraformAsset;
  public readonly functionName: string;
  public readonly functionArn: string;
  public readonly roleArn: string;

  constructor(scope: Construct, id: string, props: DetectorFunctionProps) {
    super(scope, id);
    const partition = props.partition ?? 'aws';
    const fixedVariables: Record<string, string> = {
      POWERTOOLS_SERVICE_NAME: 'container-anomaly-detector',
      POWERTOOLS_METRICS_NAMESPACE: detectorMetrics.namespace,
      POWERTOOLS_LOG_LEVEL: 'INFO',
    };
    // Sized on the JSON text Terraform will write; the attribute itself is a jsonencode(...) expression.
    validateEnvironmentSize(props.functionName, { ...fixedVariables, [DETECTOR_CONFIG_ENV]: JSON.stringify(props.runtimeConfig) });
    const variables: Record<string, string> = { [DETECTOR_CONFIG_ENV]: jsonEncode(props.runtimeConfig), ...fixedVariables };
    checkServiceArns(props.access.ecsServiceArns);

    this.logGroup = new CloudwatchLogGroup(this, 'logs', {
      name: `/aws/lambda/${props.functionName}`,
      retentionInDays: props.logRetentionDays ?? FUNCTION_DEFAULTS.logRetentionDays,
      kmsKeyId: props.logsKeyArn,
    });
    this.role = new IamRole(this, 'role', {
      name: props.roleName,
      assumeRolePolicy: serviceTrustPolicy('lambda.amazonaws.com'),
    });
    const policy = new IamRolePolicy(this, 'policy', {
      name: 'least-privilege',
      role: this.role.id,
      policy: policyDocument(
        detectorStatements(props.environment, props.access, this.logGroup.arn, props.logsKeyArn, props.region, props.accountId, partition),
      ),
    });
    const vpcAccess = props.vpc
      ? [
          new IamRolePolicyAttachment(this, 'vpc-access', {
            role: this.role.name,
            policyArn: `arn:${partition}:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole`,
          }),
        ]
      : [];

    const bundle = props.bundle ?? bundleLambda();
    const asset = new TerraformAsset(this, 'bundle', { path: writeBundleZip(bundle), type: AssetType.FILE });
    this.bundleAsset = asset;
    this.function = new LambdaFunction(this, 'function', {
      functionName: props.functionName,
      role: this.role.arn,
      runtime: FUNCTION_DEFAULTS.runtime,
      handler: FUNCTION_DEFAULTS.handler,
      architectures: [props.architecture ?? FUNCTION_DEFAULTS.architecture],
      filename: asset.path,
      sourceCodeHash: bundle.sha256,
      memorySize: props.memoryMb ?? FUNCTION_DEFAULTS.memoryMb,
      timeout: props.timeoutSeconds ?? FUNCTION_DEFAULTS.timeoutSeconds,
      reservedConcurrentExecutions: FUNCTION_DEFAULTS.reservedConcurrency,
      tracingConfig: { mode: 'Active' },
      kmsKeyArn: props.logsKeyArn,
      environment: { variables },
      loggingConfig: { logFormat: 'JSON', logGroup: this.logGroup.name },
      deadLetterConfig: { targetArn: props.access.deadLetterQueueArn },
      vpcConfig: props.vpc ? { subnetIds: props.vpc.subnetIds, securityGroupIds: props.vpc.securityGroupIds } : undefined,
      dependsOn: [this.logGroup, policy, ...vpcAccess],
    });
    new LambdaFunctionEventInvokeConfig(this, 'async', {
      functionName: this.function.functionName,
      maximumRetryAttempts: FUNCTION_DEFAULTS.maxAsyncRetries,
      maximumEventAgeInSeconds: FUNCTION_DEFAULTS.maxEventAgeSeconds,
    });
    this.functionName = this.function.functionName;
    this.functionArn = this.function.arn;
    this.roleArn = this.role.arn;
  }
}

/** Fails synth early when the variables would exceed Lambda's 4 KB (tokens counted at a generous resolved length). */
function validateEnvironmentSize(functionName: string, variables: Record<string, string>): void {
  // An unresolved token renders as `${TfToken[TOKEN.n]}`; resolved ARNs and names can be ~2.5x longer.
  const estimate = Object.entries(variables).reduce((n, [k, v]) => {
    const tokens = Token.isUnresolved(v) ? (v.match(/\$\{TfToken\[[^\]]+\]\}/g) ?? []).length : 0;
    return n + k.length + v.length + tokens * 40;
  }, 0);
  if (estimate > FUNCTION_DEFAULTS.environmentLimitBytes) {
    throw new Error(
      `DetectorFunction(${functionName}).runtimeConfig: environment variables would take about ${estimate} bytes, over Lambda's 4096-byte limit; shorten the SPL or selectors`,
    );
  }
}
