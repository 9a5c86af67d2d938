import { Construct } from 'constructs';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';

export interface DeadLetterQueueProps {
  readonly queueName: string;
  readonly kmsKeyArn: string;
  /** Kept long enough for a weekend on-call to look at them. */
  readonly retentionSeconds?: number;
}

/** KMS-encrypted queue that keeps failed runs (async Lambda failures and undeliverable schedule events). */
export class DeadLetterQueue extends Construct {
  public readonly queue: SqsQueue;
  public readonly queueArn: string;
  public readonly queueName: string;

  constructor(scope: Construct, id: string, props: DeadLetterQueueProps) {
    super(scope, id);
    this.queue = new SqsQueue(this, 'queue', {
      name: props.queueName,
      kmsMasterKeyId: props.kmsKeyArn,
      kmsDataKeyReusePeriodSeconds: 300,
      messageRetentionSeconds: props.retentionSeconds ?? 14 * 24 * 3600,
    });
    this.queueArn = this.queue.arn;
    this.queueName = this.queue.name;
  }
}
