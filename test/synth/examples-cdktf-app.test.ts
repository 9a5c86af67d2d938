import { Testing } from 'cdktf';
import { PlatformStack } from '../../examples/cdktf-app/main';
import { onlyResource, resourcesOf, statementsOf, type Statement, type TfJson } from '../support/synth';

/** examples/cdktf-app: a consumer's existing stack with the detector added next to its own resources. */
describe('example: the construct in a consumer’s CDKTF app', () => {
  const json = JSON.parse(Testing.synth(new PlatformStack(Testing.app(), 'platform'))) as TfJson;
  let detectorStatements: Statement[] = [];
  beforeAll(async () => {
    const policy = resourcesOf(json, 'aws_iam_role_policy').find((p) => p.name === 'least-privilege');
    detectorStatements = await statementsOf(policy?.policy);
  });
  const bySid = (sid: string) => detectorStatements.find((s) => s.Sid === sid);

  it('keeps the consumer’s providers, backend and own resources, beside the detector’s', () => {
    expect(json.provider.aws[0]).toMatchObject({ region: 'eu-central-1', default_tags: [{ tags: { team: 'platform', 'managed-by': 'cdktf' } }] });
    expect(json.terraform.backend.s3).toMatchObject({ bucket: 'platform-terraform-state', key: 'platform/terraform.tfstate' });
    for (const [type, id] of [['aws_vpc', 'vpc'], ['aws_subnet', 'private-a'], ['aws_subnet', 'private-b'], ['aws_ecs_cluster', 'apps'], ['aws_kms_key', 'platform-key'], ['aws_sns_topic', 'oncall']]) {
      expect(Object.keys(json.resource[type])).toContain(id);
    }
    expect(onlyResource(json, 'aws_lambda_function').function_name).toBe('plat-apps-detector');
    expect(Object.keys(json.output).sort()).toEqual(['archive_bucket', 'detector_role_arn']);
  });

  it('runs the function in the consumer’s subnets and security group, passed as tokens', () => {
    expect(onlyResource(json, 'aws_lambda_function').vpc_config).toEqual({
      subnet_ids: ['${aws_subnet.private-a.id}', '${aws_subnet.private-b.id}'],
      security_group_ids: ['${aws_security_group.https-egress.id}'],
    });
    expect(String(onlyResource(json, 'aws_iam_role_policy_attachment').policy_arn)).toMatch(/AWSLambdaVPCAccessExecutionRole$/);
  });

  it('encrypts with the consumer’s key and alerts on its topic, creating neither', () => {
    expect(Object.keys(json.resource.aws_kms_key)).toEqual(['platform-key']);
    expect(Object.keys(json.resource.aws_sns_topic)).toEqual(['oncall']);
    expect(json.resource.aws_sns_topic_policy).toBeUndefined();
    expect(onlyResource(json, 'aws_sqs_queue').kms_master_key_id).toBe('${aws_kms_key.platform-key.arn}');
    expect(onlyResource(json, 'aws_cloudwatch_log_group').kms_key_id).toBe('${aws_kms_key.platform-key.arn}');
    expect(bySid('PublishAlerts')?.Resource).toEqual(['${aws_sns_topic.oncall.arn}']);
    expect(bySid('UseMessagingKey')?.Resource).toEqual(['${aws_kms_key.platform-key.arn}']);
    const delivery = resourcesOf(json, 'aws_cloudwatch_metric_alarm').find((a) => a.metric_name === 'NumberOfNotificationsFailed');
    expect(delivery?.dimensions).toEqual({ TopicName: '${element(split(":", aws_sns_topic.oncall.arn), 5)}' });
  });

  it('keeps its secrets’ metadata in the consumer’s Vault mount and scales only services of the consumer’s cluster', () => {
    const paths = resourcesOf(json, 'vault_generic_endpoint').map((e) => e.path).sort();
    expect(paths).toEqual(['${vault_mount.kv.path}/metadata/container-anomaly/dynatrace', '${vault_mount.kv.path}/metadata/container-anomaly/splunk']);
    expect(json.resource.vault_mount).toEqual({ kv: expect.objectContaining({ path: 'platform' }) });
    expect(bySid('ScaleAllowListedServices')?.Resource).toEqual(
      ['checkout-api', 'search-api'].map((s) => expect.stringMatching(new RegExp(`:service/platform-apps/${s}$`))),
    );
  });
});
