import { Construct } from 'constructs';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketLoggingA } from '@cdktf/provider-aws/lib/s3-bucket-logging';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { policyDocument, PolicyStatement } from '../iam/policy-document';
import { ARCHIVE_DEFAULTS } from './defaults';

export interface ArchiveBucketProps {
  readonly bucketName: string;
  readonly accessLogBucketName: string;
  /** Customer-managed key for SSE-KMS on the archive. */
  readonly kmsKeyArn: string;
  readonly accountId: string;
  readonly expireAfterDays?: number;
  readonly noncurrentExpireAfterDays?: number;
  /** Terraform refuses to destroy either bucket (prod). */
  readonly preventDestroy?: boolean;
}

/** Denies every request that does not arrive over TLS. */
function denyInsecureTransport(bucketArn: string): PolicyStatement {
  return {
    Sid: 'DenyInsecureTransport',
    Effect: 'Deny',
    Principal: '*',
    Action: ['s3:*'],
    Resource: [bucketArn, `${bucketArn}/*`],
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  };
}

/**
 * The metric archive: SSE-KMS with a dedicated key, versioned, private,
 * TLS-only, access-logged to a separate hardened bucket, with lifecycle rules.
 */
export class ArchiveBucket extends Construct {
  public readonly bucket: S3Bucket;
  public readonly accessLogBucket: S3Bucket;
  public readonly bucketName: string;
  public readonly bucketArn: string;

  constructor(scope: Construct, id: string, props: ArchiveBucketProps) {
    super(scope, id);
    const expireAfterDays = props.expireAfterDays ?? ARCHIVE_DEFAULTS.expireAfterDays;
    if (expireAfterDays <= ARCHIVE_DEFAULTS.transitionToInfrequentAccessDays) {
      throw new Error(
        `ArchiveBucket.expireAfterDays: must be greater than ${ARCHIVE_DEFAULTS.transitionToInfrequentAccessDays} (objects move to STANDARD_IA first)`,
      );
    }
    const preventDestroy = props.preventDestroy ?? ARCHIVE_DEFAULTS.preventDestroy;
    const noncurrentDays = props.noncurrentExpireAfterDays ?? ARCHIVE_DEFAULTS.noncurrentExpireAfterDays;

    // S3 server access logs can only be delivered to an SSE-S3 bucket, so the log bucket cannot use KMS.
    this.accessLogBucket = this.hardenedBucket('access-logs', props.accessLogBucketName, preventDestroy, {
      sseAlgorithm: 'AES256',
    });
    new S3BucketPolicy(this, 'access-logs-policy', {
      bucket: this.accessLogBucket.id,
      policy: policyDocument([
        denyInsecureTransport(this.accessLogBucket.arn),
        {
          Sid: 'AllowS3ServerAccessLogs',
          Effect: 'Allow',
          Principal: { Service: 'logging.s3.amazonaws.com' },
          Action: ['s3:PutObject'],
          Resource: [`${this.accessLogBucket.arn}/*`],
          Condition: { StringEquals: { 'aws:SourceAccount': props.accountId } },
        },
      ]),
    });
    this.lifecycle('access-logs-lifecycle', this.accessLogBucket, ARCHIVE_DEFAULTS.accessLogExpireAfterDays, noncurrentDays, false);

    this.bucket = this.hardenedBucket('archive', props.bucketName, preventDestroy, {
      sseAlgorithm: 'aws:kms',
      kmsMasterKeyId: props.kmsKeyArn,
    });
    new S3BucketPolicy(this, 'archive-policy', {
      bucket: this.bucket.id,
      policy: policyDocument([denyInsecureTransport(this.bucket.arn)]),
    });
    new S3BucketLoggingA(this, 'archive-logging', {
      bucket: this.bucket.id,
      targetBucket: this.accessLogBucket.id,
      targetPrefix: `s3-access/${props.bucketName}/`,
    });
    this.lifecycle('archive-lifecycle', this.bucket, expireAfterDays, noncurrentDays, true);

    this.bucketName = this.bucket.bucket;
    this.bucketArn = this.bucket.arn;
  }

  private hardenedBucket(
    id: string,
    name: string,
    preventDestroy: boolean,
    encryption: { sseAlgorithm: 'AES256' | 'aws:kms'; kmsMasterKeyId?: string },
  ): S3Bucket {
    const bucket = new S3Bucket(this, id, {
      bucket: name,
      lifecycle: { preventDestroy },
    });
    new S3BucketVersioningA(this, `${id}-versioning`, {
      bucket: bucket.id,
      versioningConfiguration: { status: 'Enabled' },
    });
    new S3BucketPublicAccessBlock(this, `${id}-public-access`, {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, `${id}-ownership`, {
      bucket: bucket.id,
      rule: { objectOwnership: 'BucketOwnerEnforced' },
    });
    new S3BucketServerSideEncryptionConfigurationA(this, `${id}-encryption`, {
      bucket: bucket.id,
      rule: [
        {
          applyServerSideEncryptionByDefault: encryption,
          bucketKeyEnabled: encryption.sseAlgorithm === 'aws:kms',
        },
      ],
    });
    return bucket;
  }

  private lifecycle(id: string, bucket: S3Bucket, expireAfterDays: number, noncurrentDays: number, archiveToIa: boolean): void {
    new S3BucketLifecycleConfiguration(this, id, {
      bucket: bucket.id,
      rule: [
        {
          id: 'age-out',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          transition: archiveToIa
            ? [{ days: ARCHIVE_DEFAULTS.transitionToInfrequentAccessDays, storageClass: 'STANDARD_IA' }]
            : undefined,
          expiration: [{ days: expireAfterDays }],
          noncurrentVersionExpiration: [{ noncurrentDays }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: ARCHIVE_DEFAULTS.abortIncompleteUploadDays }],
        },
      ],
    });
  }
}
