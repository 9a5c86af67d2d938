import { Testing, TerraformStack } from 'cdktf';
import { ArchiveBucket } from '../../modules/archive-bucket';
import { resourceAt, resourcesOf, statementsOf, synthEnvironment } from '../support/synth';

describe('metric archive bucket', () => {
  const dev = synthEnvironment('dev');
  const prod = synthEnvironment('prod');

  it('encrypts the archive with its own customer-managed KMS key that rotates', () => {
    const sse = resourceAt(dev, 'aws_s3_bucket_server_side_encryption_configuration', 'archive/archive-encryption');
    const rule = (sse.rule as Array<{ apply_server_side_encryption_by_default: Record<string, string>; bucket_key_enabled: boolean }>)[0];
    expect(rule.apply_server_side_encryption_by_default.sse_algorithm).toBe('aws:kms');
    expect(rule.apply_server_side_encryption_by_default.kms_master_key_id).toMatch(/^\$\{aws_kms_key\.archive-key_\w+\.arn\}$/);
    expect(rule.bucket_key_enabled).toBe(true);
    const key = resourceAt(dev, 'aws_kms_key', 'archive-key');
    expect(key.enable_key_rotation).toBe(true);
  });

  it('versions both buckets, blocks all public access and enforces bucket ownership', () => {
    for (const id of ['archive', 'access-logs']) {
      expect(resourceAt(dev, 'aws_s3_bucket_versioning', `${id}-versioning`).versioning_configuration).toEqual({ status: 'Enabled' });
      expect(resourceAt(dev, 'aws_s3_bucket_public_access_block', `${id}-public-access`)).toMatchObject({
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      });
      expect(resourceAt(dev, 'aws_s3_bucket_ownership_controls', `${id}-ownership`).rule).toEqual({ object_ownership: 'BucketOwnerEnforced' });
    }
  });

  it('denies every non-TLS request on both buckets', async () => {
    for (const id of ['archive-policy', 'access-logs-policy']) {
      const deny = (await statementsOf(resourceAt(dev, 'aws_s3_bucket_policy', id).policy)).find((s) => s.Sid === 'DenyInsecureTransport');
      expect(deny).toMatchObject({ Effect: 'Deny', Principal: '*', Action: ['s3:*'], Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
      expect(deny?.Resource).toHaveLength(2);
    }
  });

  it('logs access to the separate log bucket, which uses SSE-S3 because S3 log delivery requires it', async () => {
    const logging = resourceAt(dev, 'aws_s3_bucket_logging', 'archive-logging');
    expect(String(logging.target_bucket)).toMatch(/aws_s3_bucket\.archive_access-logs_\w+\.id/);
    expect(String(logging.target_prefix)).toMatch(/^s3-access\//);
    const sse = resourceAt(dev, 'aws_s3_bucket_server_side_encryption_configuration', 'access-logs-encryption');
    expect(JSON.stringify(sse.rule)).toContain('"sse_algorithm":"AES256"');
    const allow = (await statementsOf(resourceAt(dev, 'aws_s3_bucket_policy', 'access-logs-policy').policy)).find((s) => s.Sid === 'AllowS3ServerAccessLogs');
    expect(allow).toMatchObject({ Principal: { Service: 'logging.s3.amazonaws.com' }, Action: ['s3:PutObject'] });
    expect(allow?.Condition?.StringEquals).toHaveProperty('aws:SourceAccount');
  });

  it('moves batches to STANDARD_IA after 30 days and expires current and noncurrent versions', () => {
    const rule = (resourceAt(prod, 'aws_s3_bucket_lifecycle_configuration', 'archive-lifecycle').rule as Array<Record<string, unknown>>)[0];
    expect(rule.status).toBe('Enabled');
    expect(rule.transition).toEqual([{ days: 30, storage_class: 'STANDARD_IA' }]);
    expect(rule.expiration).toEqual([{ days: 730 }]);
    expect(rule.noncurrent_version_expiration).toEqual([{ noncurrent_days: 30 }]);
    expect(rule.abort_incomplete_multipart_upload).toEqual([{ days_after_initiation: 7 }]);
  });

  it('prevents destroying the buckets only where the environment says so', () => {
    for (const b of resourcesOf(prod, 'aws_s3_bucket')) expect(b.lifecycle).toEqual({ prevent_destroy: true });
    for (const b of resourcesOf(dev, 'aws_s3_bucket')) expect(b.lifecycle).toEqual({ prevent_destroy: false });
  });

  it('rejects an expiry that does not come after the move to infrequent access', () => {
    const stack = new TerraformStack(Testing.app(), 'props');
    expect(
      () => new ArchiveBucket(stack, 'a', { bucketName: 'b-archive', accessLogBucketName: 'b-logs', kmsKeyArn: 'arn:k', accountId: '123456789012', expireAfterDays: 30 }),
    ).toThrow('ArchiveBucket.expireAfterDays: must be greater than 30');
  });
});
