/** Publishes alerts to the SNS topic with attributes subscribers can filter on. */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Alerter, AlertMessage } from '../../pipeline/ports';

export class SnsAlerter implements Alerter {
  constructor(
    private readonly sns: SNSClient,
    readonly topicArn: string,
  ) {}

  async publish(message: AlertMessage): Promise<string> {
    const res = await this.sns.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Subject: message.subject,
        Message: message.body,
        MessageAttributes: {
          environment: { DataType: 'String', StringValue: message.attributes.environment },
          severity: { DataType: 'String', StringValue: message.attributes.severity },
        },
      }),
    );
    if (!res.MessageId) throw new Error(`SNS accepted the alert for ${this.topicArn} but returned no message id`);
    return res.MessageId;
  }
}
