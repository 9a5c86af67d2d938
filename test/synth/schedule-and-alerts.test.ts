import { onlyResource, resourcesOf, statementsOf, synthEnvironment, synthVariant } from '../support/synth';

describe('schedule', () => {
  const dev = synthEnvironment('dev');

  it('runs the detector on the configured expression, every 5 minutes by default', () => {
    expect(onlyResource(dev, 'aws_cloudwatch_event_rule').schedule_expression).toBe('rate(5 minutes)');
    const hourly = synthVariant('dev', (e) => ({ ...e, schedule: { expression: 'rate(1 hour)' }, lambda: { memoryMb: 1024, timeoutSeconds: 240, architecture: 'arm64' } }));
    expect(onlyResource(hourly, 'aws_cloudwatch_event_rule').schedule_expression).toBe('rate(1 hour)');
  });

  it('targets the function with a bounded retry policy and the dead-letter queue', () => {
    const target = onlyResource(dev, 'aws_cloudwatch_event_target');
    expect(String(target.arn)).toMatch(/aws_lambda_function\.detector_function_\w+\.arn/);
    expect(target.retry_policy).toEqual({ maximum_event_age_in_seconds: 600, maximum_retry_attempts: 2 });
    expect(String((target.dead_letter_config as { arn: string }).arn)).toMatch(/aws_sqs_queue\.dead-letters_queue_\w+\.arn/);
  });

  it('lets only this rule invoke the function', () => {
    const permission = onlyResource(dev, 'aws_lambda_permission');
    expect(permission).toMatchObject({ action: 'lambda:InvokeFunction', principal: 'events.amazonaws.com' });
    expect(String(permission.source_arn)).toMatch(/^\$\{aws_cloudwatch_event_rule\.schedule_rule_\w+\.arn\}$/);
  });

  it('lets EventBridge dead-letter into the queue only from this rule, and only over TLS', async () => {
    const [allow, deny] = await statementsOf(onlyResource(dev, 'aws_sqs_queue_policy').policy);
    expect(allow).toMatchObject({ Principal: { Service: 'events.amazonaws.com' }, Action: ['sqs:SendMessage'] });
    expect(String(allow.Condition?.ArnEquals['aws:SourceArn'])).toMatch(/aws_cloudwatch_event_rule\.schedule_rule_\w+\.arn/);
    expect(deny).toMatchObject({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
  });
});

describe('alert topic', () => {
  const prod = synthEnvironment('prod');
  const topic = onlyResource(prod, 'aws_sns_topic');

  it('is KMS-encrypted with the messaging key', () => {
    expect(topic.name).toBe('cad-prod-alerts');
    expect(String(topic.kms_master_key_id)).toMatch(/aws_kms_key\.messaging-key_\w+\.arn/);
  });

  it('lets only this account and its CloudWatch alarms publish, over TLS', async () => {
    const statements = await statementsOf(onlyResource(prod, 'aws_sns_topic_policy').policy);
    expect(statements.map((s) => s.Sid)).toEqual(['AccountPrincipalsPublish', 'CloudWatchAlarmsPublish', 'DenyInsecureTransport']);
    expect(statements[0].Principal).toEqual({ AWS: 'arn:${data.aws_partition.partition.partition}:iam::210987654321:root' });
    expect(statements[1]).toMatchObject({
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Condition: {
        StringEquals: { 'aws:SourceAccount': '210987654321' },
        ArnLike: { 'aws:SourceArn': 'arn:${data.aws_partition.partition.partition}:cloudwatch:eu-west-1:210987654321:alarm:*' },
      },
    });
    for (const s of statements) expect(s.Action).toEqual(['sns:Publish']);
  });

  it('subscribes the configured e-mail and HTTPS endpoints', () => {
    const subs = resourcesOf(prod, 'aws_sns_topic_subscription').map((s) => [s.protocol, s.endpoint]);
    expect(subs).toEqual([
      ['email', 'sre-oncall@example.com'],
      ['https', 'https://events.pagerduty.com/integration/abc123/enqueue'],
    ]);
    expect(resourcesOf(synthEnvironment('dev'), 'aws_sns_topic_subscription')).toEqual([]);
  });

  it('lets CloudWatch alarms and EventBridge use the messaging key, and nobody else outside IAM', async () => {
    const key = Object.entries(prod.resource.aws_kms_key).find(([id]) => id.startsWith('messaging-key'))?.[1];
    const statements = await statementsOf(key?.policy);
    expect(statements.map((s) => s.Principal)).toEqual([
      { AWS: 'arn:${data.aws_partition.partition.partition}:iam::210987654321:root' },
      { Service: 'cloudwatch.amazonaws.com' },
      { Service: 'events.amazonaws.com' },
    ]);
    expect(key?.enable_key_rotation).toBe(true);
  });
});
