/**
 * A platform team's own CDKTF app — its providers, state backend, tags, VPC,
 * ECS cluster, KMS key, on-call topic and Vault mount — that adds container
 * anomaly detection next to them with one construct, passing its resources in
 * as tokens.
 *
 *   cd examples/cdktf-app && npx cdktf synth      # or: npx tsx main.ts
 */
import { App, S3Backend, TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { EcsCluster } from '@cdktf/provider-aws/lib/ecs-cluster';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { VaultProvider } from '@cdktf/provider-vault/lib/provider';
import { Mount } from '@cdktf/provider-vault/lib/mount';
import { ContainerAnomalyDetector } from 'container-anomaly-detector';

const REGION = 'eu-central-1';

/** The team's key: account administration through IAM, plus the AWS services the detector's logs, topic and queue need. */
function platformKeyPolicy(scope: Construct, accountId: string): string {
  return new DataAwsIamPolicyDocument(scope, 'platform-key-policy', {
    statement: [
      { sid: 'AccountAdministersViaIam', actions: ['kms:*'], resources: ['*'], principals: [{ type: 'AWS', identifiers: [`arn:aws:iam::${accountId}:root`] }] },
      {
        sid: 'CloudWatchLogs',
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        principals: [{ type: 'Service', identifiers: [`logs.${REGION}.amazonaws.com`] }],
        condition: [{ test: 'ArnLike', variable: 'kms:EncryptionContext:aws:logs:arn', values: [`arn:aws:logs:${REGION}:${accountId}:log-group:*`] }],
      },
      {
        sid: 'AlarmsAndSchedulesUseEncryptedTopicsAndQueues',
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        principals: [{ type: 'Service', identifiers: ['cloudwatch.amazonaws.com', 'events.amazonaws.com'] }],
      },
    ],
  }).json;
}

export class PlatformStack extends TerraformStack {
  public readonly detector: ContainerAnomalyDetector;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    // Everything the consumer owns: providers, backend, tags.
    new AwsProvider(this, 'aws', { region: REGION, defaultTags: [{ tags: { team: 'platform', 'managed-by': 'cdktf' } }] });
    new VaultProvider(this, 'vault', { address: 'https://vault.platform.example.com:8200' });
    new S3Backend(this, { bucket: 'platform-terraform-state', key: 'platform/terraform.tfstate', region: REGION, encrypt: true });

    // The team's resources, which existed before the detector.
    const accountId = new DataAwsCallerIdentity(this, 'account').accountId;
    const vpc = new Vpc(this, 'vpc', { cidrBlock: '10.20.0.0/16', enableDnsHostnames: true, enableDnsSupport: true });
    const subnets = ['a', 'b'].map(
      (az, i) => new Subnet(this, `private-${az}`, { vpcId: vpc.id, cidrBlock: `10.20.${i}.0/24`, availabilityZone: `${REGION}${az}` }),
    );
    const egress = new SecurityGroup(this, 'https-egress', {
      name: 'platform-https-egress',
      description: 'HTTPS out to Vault, Splunk, Dynatrace and AWS APIs',
      vpcId: vpc.id,
      egress: [{ description: 'HTTPS', fromPort: 443, toPort: 443, protocol: 'tcp', cidrBlocks: ['0.0.0.0/0'] }],
    });
    new EcsCluster(this, 'apps', { name: 'platform-apps', setting: [{ name: 'containerInsights', value: 'enabled' }] });
    const key = new KmsKey(this, 'platform-key', { description: 'Platform team data', enableKeyRotation: true, policy: platformKeyPolicy(this, accountId) });
    const oncall = new SnsTopic(this, 'oncall', { name: 'platform-oncall', kmsMasterKeyId: key.arn });
    const kv = new Mount(this, 'kv', { path: 'platform', type: 'kv', options: { version: '2' } });

    this.detector = new ContainerAnomalyDetector(this, 'anomaly-detector', {
      namePrefix: 'plat',
      config: {
        name: 'apps',
        aws: { region: REGION },
        vault: { address: 'https://vault.platform.example.com:8200', kvMount: kv.path, pathPrefix: 'container-anomaly' },
        splunk: { baseUrl: 'https://splunk.platform.example.com:8089', index: 'ecs_metrics' },
        dynatrace: { environmentUrl: 'https://abc12345.live.dynatrace.com' },
        ecs: {
          // A literal, not cluster.name: the detector's IAM policy names each service's ARN, so ECS names are checked at synth.
          clusterName: 'platform-apps',
          services: [
            { name: 'checkout-api', minTasks: 2, maxTasks: 8 },
            { name: 'search-api', minTasks: 2, maxTasks: 6 },
          ],
        },
        lambda: { vpc: { subnetIds: subnets.map((s) => s.id), securityGroupIds: [egress.id] } },
        alerts: { existingTopicArn: oncall.arn },
        existingKmsKeyArn: key.arn,
      },
    });
    new TerraformOutput(this, 'detector_role_arn', { value: this.detector.detector.roleArn });
    new TerraformOutput(this, 'archive_bucket', { value: this.detector.archive.bucketName });
  }
}

export function buildApp(outdir?: string): App {
  const app = new App({ outdir });
  new PlatformStack(app, 'platform');
  return app;
}

if (require.main === module) buildApp().synth();
