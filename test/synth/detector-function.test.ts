import { Testing, TerraformStack } from 'cdktf';
import { asArray, decodeJsonAttribute, onlyResource, resourceAt, statementsOf, synthEnvironment, synthVariant, type Statement } from '../support/synth';
import { DetectorFunction, UNSCOPABLE_ACTIONS } from '../../modules/detector-function';
import { bundleLambda } from '../../modules/detector-function/bundle';
import { parseRuntimeConfig } from '../../src/config/runtime-config';
import { toRuntimeConfig } from '../../src/config/from-environment';
import { loadEnvironment } from '../../environments';

const WRITE_ACTIONS = /:(Put|Update|Create|Delete|Register|Send|Publish|Invoke|Generate|Encrypt|Decrypt)/;

describe('detector function', () => {
  const dev = synthEnvironment('dev');
  const prod = synthEnvironment('prod');
  const fn = onlyResource(prod, 'aws_lambda_function');

  it('runs the bundle on nodejs22.x arm64 with the configured memory and timeout, one run at a time', () => {
    expect(fn).toMatchObject({
      runtime: 'nodejs22.x',
      architectures: ['arm64'],
      handler: 'index.handler',
      memory_size: 1536,
      timeout: 240,
      reserved_concurrent_executions: 1,
      tracing_config: { mode: 'Active' },
    });
    expect(String(fn.filename)).toMatch(/^assets\/.+\.zip$/);
    expect(fn.source_code_hash).toBe(bundleLambda().sha256);
  });

  it('encrypts its environment with a KMS key and carries no secret value, only names and addresses', async () => {
    expect(String(fn.kms_key_arn)).toMatch(/aws_kms_key\.logs-key_\w+\.arn/);
    const variables = (fn.environment as { variables: Record<string, string> }).variables;
    expect(Object.keys(variables).sort()).toEqual(['DETECTOR_CONFIG', 'POWERTOOLS_LOG_LEVEL', 'POWERTOOLS_METRICS_NAMESPACE', 'POWERTOOLS_SERVICE_NAME']);
    expect(variables.DETECTOR_CONFIG).not.toMatch(/token"|password|apiToken|secret_id/i);
    // Resolved against placeholder resource names, the JSON is a valid runtime config.
    const resolved = JSON.stringify(await decodeJsonAttribute(variables.DETECTOR_CONFIG)).replace(/\$\{[^}]+\}/g, 'resolved-name');
    const config = parseRuntimeConfig(resolved);
    expect(config.vault.auth).toEqual({ method: 'aws', mount: 'aws', role: 'cad-prod-detector', iamServerId: 'vault.example.com', stsRegion: 'eu-west-1' });
    expect(config.vault.splunkPath).toBe('container-anomaly/prod/splunk');
    expect(config.ecs.services.map((s) => s.name)).toEqual(['checkout-api', 'catalog-api', 'payments-worker', 'search-api']);
  });

  it('keeps quotes, backslashes, newlines and template markers in the config intact through jsonencode', async () => {
    // An SPL search and a Dynatrace entity selector routinely carry quotes; CDKTF's Fn.jsonencode does not escape them.
    const spl = 'search index="ecs" sourcetype=ecs:container:metrics\n| eval path="C:\\x %{y} ${z}"';
    const quoted = synthVariant('dev', (e) => ({ ...e, splunk: { ...e.splunk, spl }, dynatrace: { ...e.dynatrace, entitySelector: 'type("CONTAINER_GROUP_INSTANCE")' } }));
    const { variables } = onlyResource(quoted, 'aws_lambda_function').environment as { variables: Record<string, string> };
    const config = (await decodeJsonAttribute(variables.DETECTOR_CONFIG)) as { splunk: { spl: string }; dynatrace: { entitySelector: string } };
    // The decoded value is in Terraform-JSON form, where a literal `${` is written `$${` and `%{` is `%%{`.
    expect(config.splunk.spl).toBe(spl.split('${').join('$${').split('%{').join('%%{'));
    expect(config.dynatrace.entitySelector).toBe('type("CONTAINER_GROUP_INSTANCE")');
  });

  it('logs to an explicit KMS-encrypted log group with retention, created before the function', () => {
    const group = onlyResource(prod, 'aws_cloudwatch_log_group');
    expect(group).toMatchObject({ name: '/aws/lambda/cad-prod-detector', retention_in_days: 365 });
    expect(String(group.kms_key_id)).toMatch(/aws_kms_key\.logs-key_\w+\.arn/);
    expect(fn.depends_on).toEqual(expect.arrayContaining([expect.stringMatching(/^aws_cloudwatch_log_group\./)]));
    expect(fn.logging_config).toMatchObject({ log_format: 'JSON' });
  });

  it('sends failed asynchronous runs to the encrypted dead-letter queue with bounded retries and age', () => {
    expect(String((fn.dead_letter_config as { target_arn: string }).target_arn)).toMatch(/aws_sqs_queue\.dead-letters_queue_\w+\.arn/);
    expect(onlyResource(prod, 'aws_lambda_function_event_invoke_config')).toMatchObject({ maximum_retry_attempts: 1, maximum_event_age_in_seconds: 600 });
    const queue = onlyResource(prod, 'aws_sqs_queue');
    expect(String(queue.kms_master_key_id)).toMatch(/aws_kms_key\.messaging-key_\w+\.arn/);
    expect(queue.message_retention_seconds).toBe(1209600);
  });

  describe('IAM role', () => {
    let statements: Statement[] = [];
    let bySid: Record<string, Statement> = {};
    beforeAll(async () => {
      statements = await statementsOf(resourceAt(prod, 'aws_iam_role_policy', 'detector/policy').policy);
      bySid = Object.fromEntries(statements.map((s) => [s.Sid, s]));
    });

    it('is assumable by Lambda only', async () => {
      const trust = await statementsOf(resourceAt(prod, 'aws_iam_role', 'detector/role').assume_role_policy);
      expect(trust).toEqual([{ Sid: 'AssumedByService', Effect: 'Allow', Action: ['sts:AssumeRole'], Principal: { Service: 'lambda.amazonaws.com' } }]);
    });

    it('lists every action and resource it grants, scoped to the environment', () => {
      const bucket = '${aws_s3_bucket.archive_F6B9B74C.arn}';
      expect(bySid.ArchiveMetricsAndState).toEqual({
        Sid: 'ArchiveMetricsAndState', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'],
        Resource: [`${bucket}/metrics/env=prod/*`, `${bucket}/state/env=prod/*`],
      });
      expect(bySid.ReadModelMetadata.Resource).toEqual([`${bucket}/models/env=prod/*`]);
      expect(bySid.ListOwnPrefixes).toMatchObject({ Action: ['s3:ListBucket'], Resource: [bucket], Condition: { StringLike: { 's3:prefix': ['state/env=prod/*', 'models/env=prod/*'] } } });
      expect(bySid.PublishAlerts).toMatchObject({ Action: ['sns:Publish'], Resource: ['${aws_sns_topic.alerts_topic_3313844B.arn}'] });
      expect(bySid.InvokeModelEndpoint).toMatchObject({ Action: ['sagemaker:InvokeEndpoint'], Resource: [expect.stringMatching(/aws_sagemaker_endpoint\.model_endpoint_\w+\.arn/)] });
      expect(bySid.ScaleAllowListedServices).toEqual({
        Sid: 'ScaleAllowListedServices', Effect: 'Allow', Action: ['ecs:DescribeServices', 'ecs:UpdateService'],
        Resource: ['checkout-api', 'catalog-api', 'payments-worker', 'search-api'].map(
          (s) => `arn:\${data.aws_partition.partition.partition}:ecs:eu-west-1:210987654321:service/apps-prod/${s}`,
        ),
      });
      expect(bySid.RaiseAutoScalingMinimum.Resource).toEqual(['arn:${data.aws_partition.partition.partition}:application-autoscaling:eu-west-1:210987654321:scalable-target/*']);
      expect(bySid.UseArchiveKey).toMatchObject({ Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: [expect.stringMatching(/aws_kms_key\.archive-key_\w+\.arn/)] });
      expect(bySid.UseMessagingKey.Resource).toEqual([expect.stringMatching(/aws_kms_key\.messaging-key_\w+\.arn/)]);
      expect(bySid.DecryptEnvironment).toMatchObject({ Action: ['kms:Decrypt'], Resource: [expect.stringMatching(/aws_kms_key\.logs-key_\w+\.arn/)] });
      expect(bySid.DeadLetterFailedRuns).toMatchObject({ Action: ['sqs:SendMessage'], Resource: [expect.stringMatching(/aws_sqs_queue\.dead-letters_queue_\w+\.arn/)] });
      expect(bySid.WriteOwnLogs).toMatchObject({ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: [expect.stringMatching(/aws_cloudwatch_log_group\.detector_logs_\w+\.arn\}:\*$/)] });
    });

    it('has no wildcard action and no wildcard resource on any write; the only `*` resource is the documented unscopable set', () => {
      for (const s of statements) {
        for (const action of s.Action) expect(action).not.toMatch(/\*/);
        const resources = asArray(s.Resource);
        if (resources.includes('*')) {
          expect(s.Action.every((a) => UNSCOPABLE_ACTIONS.includes(a))).toBe(true);
        }
        for (const r of resources) if (s.Action.some((a) => WRITE_ACTIONS.test(a)) && r === '*') {
          expect(s.Sid).toBe('UnscopableActions');
        }
      }
      expect(bySid.UnscopableActions.Action).toEqual(['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'application-autoscaling:DescribeScalableTargets']);
    });

    it('grants no SageMaker permission while no endpoint is deployed', async () => {
      const devStatements = await statementsOf(resourceAt(dev, 'aws_iam_role_policy', 'detector/policy').policy);
      expect(devStatements.flatMap((s) => s.Action).filter((a) => a.startsWith('sagemaker:'))).toEqual([]);
    });
  });

  it('attaches VPC access and subnets only when the environment configures a VPC', () => {
    expect(fn.vpc_config).toBeUndefined();
    const inVpc = synthVariant('dev', (e) => ({ ...e, lambda: { memoryMb: 1024, timeoutSeconds: 240, architecture: 'arm64', vpc: { subnetIds: ['subnet-0abc'], securityGroupIds: ['sg-0def'] } } }));
    expect(onlyResource(inVpc, 'aws_lambda_function').vpc_config).toEqual({ subnet_ids: ['subnet-0abc'], security_group_ids: ['sg-0def'] });
    expect(String(onlyResource(inVpc, 'aws_iam_role_policy_attachment').policy_arn)).toMatch(/AWSLambdaVPCAccessExecutionRole$/);
  });

  it('fails synth when the environment variables would exceed the 4 KB Lambda limit', () => {
    const env = loadEnvironment('dev');
    const runtimeConfig = toRuntimeConfig({ ...env, splunk: { ...env.splunk, spl: 'search '.padEnd(5000, 'x') } }, { archiveBucket: 'b', alertTopicArn: 't' });
    const stack = new TerraformStack(Testing.app(), 'big');
    expect(() => new DetectorFunction(stack, 'fn', {
      environment: 'dev', functionName: 'f', roleName: 'r', region: 'eu-west-1', accountId: '123456789012', runtimeConfig, logsKeyArn: 'arn:k',
      access: { archiveBucketArn: 'arn:b', archiveKeyArn: 'arn:k', alertTopicArn: 'arn:t', messagingKeyArn: 'arn:m', deadLetterQueueArn: 'arn:q', ecsServiceArns: ['arn:s'] },
    })).toThrow(/over Lambda's 4096-byte limit/);
  });
});
