import { Construct } from 'constructs';
import { EncryptionKey } from '../encryption-key';

/** The keys a detector encrypts with: created per concern, or one key the consumer already has. */
export interface DetectorKeys {
  /** The metric archive and model artifacts. */
  readonly archiveKeyArn: string;
  /** The alert topic and the dead-letter queue. */
  readonly messagingKeyArn: string;
  /** The function's log group and environment variables. */
  readonly logsKeyArn: string;
}

export interface DetectorKeysProps {
  /** `<prefix>-<env>`, the start of each alias. */
  readonly stem: string;
  readonly environment: string;
  readonly region: string;
  readonly accountId: string;
  readonly partition: string;
  /** Use this key for everything instead of creating three. */
  readonly existingKeyArn?: string;
}

/**
 * Three rotating customer-managed keys, so a grant on one concern's data
 * never opens another's; each key policy adds only the AWS services that
 * concern needs (CloudWatch and EventBridge for the topic and queue, CloudWatch
 * Logs scoped by encryption context to this account's log groups).
 */
export function detectorKeys(scope: Construct, props: DetectorKeysProps): DetectorKeys {
  if (props.existingKeyArn) {
    return { archiveKeyArn: props.existingKeyArn, messagingKeyArn: props.existingKeyArn, logsKeyArn: props.existingKeyArn };
  }
  const { stem, environment: env, region, accountId, partition } = props;
  const archive = new EncryptionKey(scope, 'archive-key', {
    alias: `${stem}-archive`,
    description: `Container anomaly detector (${env}): metric archive and models`,
    accountId,
    partition,
  });
  const messaging = new EncryptionKey(scope, 'messaging-key', {
    alias: `${stem}-messaging`,
    description: `Container anomaly detector (${env}): alert topic and dead-letter queue`,
    accountId,
    partition,
    serviceGrants: [
      { service: 'cloudwatch.amazonaws.com', actions: ['kms:Decrypt', 'kms:GenerateDataKey*'] },
      { service: 'events.amazonaws.com', actions: ['kms:Decrypt', 'kms:GenerateDataKey*'] },
    ],
  });
  const logs = new EncryptionKey(scope, 'logs-key', {
    alias: `${stem}-logs`,
    description: `Container anomaly detector (${env}): function logs and environment`,
    accountId,
    partition,
    serviceGrants: [
      {
        service: `logs.${region}.amazonaws.com`,
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${partition}:logs:${region}:${accountId}:log-group:*` } },
      },
    ],
  });
  return { archiveKeyArn: archive.arn, messagingKeyArn: messaging.arn, logsKeyArn: logs.arn };
}
