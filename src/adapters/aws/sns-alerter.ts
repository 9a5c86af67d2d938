/** Publishes alerts to the SNS topic with attributes subscribers can filter on. */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Alerter, AlertMessage } from '../../pipeline/ports';
import { MESSAGE_LIMIT, SUBJECT_LIMIT } from '../../core/alert-message';

/**
 * What SNS would refuse, refused here with a message that says why (SNS API
 * Reference, Publish: Subject "must be ASCII text ... must not include line
 * breaks or control characters; and must be less than 100 characters long";
 * Message at most 256 KB including attributes).
 */
export function snsProblem(message: AlertMessage): string | undefined {
  if (message.subject.length > SUBJECT_LIMIT) return `subject is ${message.subject.length} characters (SNS allows fewer than 100)`;
  if (/[^\x20-\x7e]/.test(message.subject)) return 'subject has a character that is not printable ASCII or a line break';
  const size = Buffer.byteLength(message.body) + Object.entries(message.attributes).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v) + 'String'.length, 0);
  if (size > MESSAGE_LIMIT) return `message is ${size} bytes with its attributes (SNS allows ${MESSAGE_LIMIT})`;
  return undefined;
}

export class SnsAlerter implements Alerter {
  constructor(
    private readonly sns: SNSClient,
    readonly topicArn: string,
  ) {}

  async publish(message: AlertMessage): Promise<string> {
    const problem = snsProblem(message);
    if (problem) throw new Error(`alert not published to ${this.topicArn}: ${problem}`);
    const res = await this.sns.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Subject: message.subject,
        Message: message.body,
        MessageAttributes: {
          environment: { DataType: 'String', StringValue: message.attributes.environment },
          severity: { DataType: 'String', StringValue: message.attributes.severity },
          status: { DataType: 'String', StringValue: message.attributes.status },
        },
      }),
    );
    if (!res.MessageId) throw new Error(`SNS accepted the alert for ${this.topicArn} but returned no message id`);
    return res.MessageId;
  }
}
