import { Testing, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { VaultProvider } from '@cdktf/provider-vault/lib/provider';
import { ContainerAnomalyDetector, EnvironmentConfigError, type DetectorConfigInput } from '../../index';
import { Mount } from '@cdktf/provider-vault/lib/mount';
import { resourcesOf, statementsOf, type TfJson } from '../support/synth';

const minimal: DetectorConfigInput = {
  name: 'qa',
  aws: { region: 'eu-west-1', accountId: '123456789012' },
  vault: { address: 'https://vault.example.com:8200', pathPrefix: 'container-anomaly/qa' },
  splunk: { baseUrl: 'https://splunk.example.com:8089' },
  dynatrace: { environmentUrl: 'https://abc12345.live.dynatrace.com' },
  ecs: { clusterName: 'apps', services: [{ name: 'api', minTasks: 1, maxTasks: 4 }] },
};

function consumerStack(): TerraformStack {
  const stack = new TerraformStack(Testing.app(), 'consumer');
  new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
  new VaultProvider(stack, 'vault', { address: 'https://vault.example.com:8200' });
  return stack;
}

function synth(props: ConstructorParameters<typeof ContainerAnomalyDetector>[2]): TfJson {
  const stack = consumerStack();
  new ContainerAnomalyDetector(stack, 'detector', props);
  return JSON.parse(Testing.synth(stack)) as TfJson;
}

describe('ContainerAnomalyDetector', () => {
  it('adds a whole detector from a minimal config, with safe defaults, and no provider or backend of its own', () => {
    const json = synth({ config: minimal });
    expect(Object.keys(json.provider).sort()).toEqual(['aws', 'vault']);
    expect(json.provider.aws).toEqual([{ region: 'eu-west-1' }]);
    expect(json.terraform.backend).toBeUndefined();
    const [fn] = resourcesOf(json, 'aws_lambda_function');
    expect(fn).toMatchObject({ function_name: 'cad-qa-detector', runtime: 'nodejs22.x', architectures: ['arm64'], timeout: 240, reserved_concurrent_executions: 1 });
    expect(resourcesOf(json, 'aws_kms_key')).toHaveLength(3);
    expect(resourcesOf(json, 'aws_cloudwatch_event_rule')[0].schedule_expression).toBe('rate(5 minutes)');
  });

  it('names every resource it can under the consumer’s prefix', () => {
    const json = synth({ config: minimal, namePrefix: 'acme' });
    const named = [
      ...resourcesOf(json, 'aws_lambda_function').map((r) => r.function_name),
      ...resourcesOf(json, 'aws_s3_bucket').map((r) => r.bucket),
      ...resourcesOf(json, 'aws_iam_role').map((r) => r.name),
      ...resourcesOf(json, 'aws_kms_alias').map((r) => String(r.name).replace(/^alias\//, '')),
      ...resourcesOf(json, 'aws_sns_topic').map((r) => r.name),
      ...resourcesOf(json, 'aws_sqs_queue').map((r) => r.name),
      ...resourcesOf(json, 'aws_cloudwatch_event_rule').map((r) => r.name),
      ...resourcesOf(json, 'vault_policy').map((r) => r.name),
      ...resourcesOf(json, 'vault_aws_auth_backend_role').map((r) => r.role),
      ...resourcesOf(json, 'aws_cloudwatch_metric_alarm').map((r) => r.alarm_name),
      ...resourcesOf(json, 'aws_cloudwatch_dashboard').map((r) => r.dashboard_name),
    ];
    expect(named.length).toBeGreaterThan(10);
    for (const name of named) expect(String(name)).toMatch(/^acme-qa-/);
  });

  it('tells the function the Vault auth role it created, under that prefix', async () => {
    const json = synth({ config: minimal, namePrefix: 'acme' });
    const { variables } = resourcesOf(json, 'aws_lambda_function')[0].environment as { variables: Record<string, string> };
    expect(variables.DETECTOR_CONFIG).toContain('"role" = "acme-qa-detector"');
  });

  it('fails before creating anything when the config is invalid, naming the field', () => {
    const stack = consumerStack();
    const config = { ...minimal, ecs: { ...minimal.ecs, services: [{ name: 'api', minTasks: 5, maxTasks: 2 }] } };
    expect(() => new ContainerAnomalyDetector(stack, 'detector', { config })).toThrow(EnvironmentConfigError);
    expect(() => new ContainerAnomalyDetector(stack, 'again', { config })).toThrow('qa.ecs.services[0].maxTasks: must be ≥ minTasks');
    const json = JSON.parse(Testing.synth(stack)) as Partial<TfJson>;
    expect([json.resource, json.data]).toEqual([undefined, undefined]);
  });

  it('rejects a prefix that could push bucket names past 63 characters', () => {
    expect(() => new ContainerAnomalyDetector(consumerStack(), 'detector', { config: minimal, namePrefix: 'much-too-long-prefix' })).toThrow(
      /ContainerAnomalyDetector\.namePrefix: must be 1-10 lowercase/,
    );
  });

  it('rejects subscriptions on a topic it does not own', () => {
    const config = { ...minimal, alerts: { existingTopicArn: 'arn:aws:sns:eu-west-1:123456789012:oncall', emails: ['sre@example.com'] } };
    expect(() => new ContainerAnomalyDetector(consumerStack(), 'detector', { config })).toThrow(/qa\.alerts\.existingTopicArn: subscriptions belong/);
  });

  it('checks literal ids of the consumer’s resources, where no token stands in for them', () => {
    const config = { ...minimal, lambda: { vpc: { subnetIds: ['vpc-123'], securityGroupIds: ['sg-0abc'] } } };
    expect(() => new ContainerAnomalyDetector(consumerStack(), 'detector', { config })).toThrow('qa.lambda.vpc.subnetIds[0]: must be a subnet id');
  });

  it('uses one existing key for everything it encrypts, and creates none', async () => {
    const keyArn = 'arn:aws:kms:eu-west-1:123456789012:key/1111aaaa-2222-bbbb-3333-cccc4444dddd';
    const json = synth({ config: { ...minimal, existingKmsKeyArn: keyArn } });
    expect(resourcesOf(json, 'aws_kms_key')).toEqual([]);
    expect(resourcesOf(json, 'aws_sqs_queue')[0].kms_master_key_id).toBe(keyArn);
    expect(resourcesOf(json, 'aws_sns_topic')[0].kms_master_key_id).toBe(keyArn);
    expect(resourcesOf(json, 'aws_cloudwatch_log_group')[0].kms_key_id).toBe(keyArn);
    const policy = resourcesOf(json, 'aws_iam_role_policy').find((p) => p.name === 'least-privilege');
    const keyStatements = (await statementsOf(policy?.policy)).filter((s) => s.Action.some((a) => a.startsWith('kms:')));
    expect(keyStatements.map((s) => s.Resource)).toEqual([[keyArn], [keyArn], [keyArn]]);
  });

  it('rejects a key ARN that is not one, and creating a mount it was handed', () => {
    expect(() => new ContainerAnomalyDetector(consumerStack(), 'detector', { config: { ...minimal, existingKmsKeyArn: 'alias/mine' } })).toThrow(
      'qa.existingKmsKeyArn: must be an ARN of kms',
    );
    const stack = consumerStack();
    const mount = new Mount(stack, 'kv', { path: 'team', type: 'kv', options: { version: '2' } });
    const config = { ...minimal, vault: { ...minimal.vault, kvMount: mount.path, createKvMount: true } };
    expect(() => new ContainerAnomalyDetector(stack, 'detector', { config })).toThrow('qa.vault.createKvMount: must be false when kvMount refers to an existing mount');
  });

  it('takes an existing topic by literal ARN: no topic, alarms on that topic’s delivery failures', () => {
    const json = synth({ config: { ...minimal, alerts: { existingTopicArn: 'arn:aws:sns:eu-west-1:123456789012:oncall' } } });
    expect(resourcesOf(json, 'aws_sns_topic')).toEqual([]);
    expect(resourcesOf(json, 'aws_sns_topic_policy')).toEqual([]);
    const delivery = resourcesOf(json, 'aws_cloudwatch_metric_alarm').find((a) => a.metric_name === 'NumberOfNotificationsFailed');
    expect(delivery?.dimensions).toEqual({ TopicName: 'oncall' });
    expect(delivery?.alarm_actions).toEqual(['arn:aws:sns:eu-west-1:123456789012:oncall']);
  });
});
