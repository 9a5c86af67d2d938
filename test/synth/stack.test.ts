import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onlyResource, resourcesOf, synthConfig, synthEnvironment } from '../support/synth';
import { loadEnvironment } from '../../environments';

describe('detection stack', () => {
  const dev = synthEnvironment('dev');
  const prod = synthEnvironment('prod');

  it('keeps state in an encrypted S3 backend per environment with S3-native locking', () => {
    expect(prod.terraform.backend.s3).toEqual({
      bucket: 'acme-terraform-state-prod',
      key: 'container-anomaly/prod/terraform.tfstate',
      region: 'eu-west-1',
      encrypt: true,
      use_lockfile: true,
    });
    expect(dev.terraform.backend.s3.key).toBe('container-anomaly/dev/terraform.tfstate');
  });

  it('pins the AWS provider to the region and account, tagging every resource with project and environment', () => {
    const [aws] = prod.provider.aws;
    expect(aws).toMatchObject({
      region: 'eu-west-1',
      allowed_account_ids: ['210987654321'],
      default_tags: [{ tags: { project: 'container-anomaly-detector', environment: 'prod', 'cost-center': 'platform', 'data-classification': 'internal' } }],
    });
    expect(dev.provider.aws[0].allowed_account_ids).toBeUndefined();
  });

  it('configures Vault by address only: the token comes from the deployer’s environment', () => {
    expect(prod.provider.vault).toEqual([{ address: 'https://vault.example.com:8200' }]);
  });

  it('outputs the bucket, topic, function, endpoint, Vault policy and training role', () => {
    expect(Object.keys(prod.output).sort()).toEqual([
      'alert_topic_arn', 'archive_bucket', 'dead_letter_queue_url', 'detector_function_name', 'model_endpoint_name', 'sagemaker_training_role_arn', 'vault_policy_name',
    ]);
    expect(String(prod.output.model_endpoint_name.value)).toMatch(/aws_sagemaker_endpoint\.model_endpoint_\w+\.name/);
  });

  it('creates no model, endpoint configuration or endpoint when no artifact is configured, and says so', () => {
    for (const type of ['aws_sagemaker_model', 'aws_sagemaker_endpoint_configuration', 'aws_sagemaker_endpoint']) {
      expect(resourcesOf(dev, type)).toEqual([]);
      expect(resourcesOf(prod, type)).toHaveLength(1);
    }
    expect(dev.output.model_endpoint_name.value).toMatch(/^not deployed/);
    expect(onlyResource(prod, 'aws_sagemaker_endpoint').name).toBe('cad-prod-rcf');
  });

  it('keeps the addresses deployed environments have: the construct sits at the id CDKTF leaves out of logical ids', () => {
    expect(Object.keys(prod.resource.aws_lambda_function)).toEqual(['detector_function_10B21062']);
    expect(Object.keys(prod.resource.aws_s3_bucket).sort()).toEqual(['archive_F6B9B74C', 'archive_access-logs_B36A86EA']);
    expect(Object.keys(prod.resource.aws_kms_key).sort()).toEqual(['archive-key_0687B2FE', 'logs-key_44F95A88', 'messaging-key_48BA1416']);
    expect(Object.keys(prod.data?.aws_partition ?? {})).toEqual(['partition']);
  });

  it('synthesizes byte-identical JSON twice, bundle hash included', () => {
    const env = loadEnvironment('staging');
    expect(synthConfig(env).text).toBe(synthConfig(env).text);
  });

  it('synthesizes all environments from main.ts, deterministically, into cdktf.out/stacks/<env>', () => {
    const synthOnce = () => {
      const out = mkdtempSync(join(tmpdir(), 'cad-synth-'));
      execFileSync('npx', ['tsx', '-e', `require('./main.ts').buildApp(${JSON.stringify(out)}).synth()`], { cwd: join(__dirname, '..', '..'), stdio: 'pipe' });
      return out;
    };
    const [a, b] = [synthOnce(), synthOnce()];
    expect(readdirSync(join(a, 'stacks')).sort()).toEqual(['dev', 'prod', 'staging']);
    for (const env of ['dev', 'staging', 'prod']) {
      expect(readFileSync(join(a, 'stacks', env, 'cdk.tf.json'), 'utf8')).toBe(readFileSync(join(b, 'stacks', env, 'cdk.tf.json'), 'utf8'));
    }
  }, 60_000);
});
