import { Construct } from 'constructs';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import { policyDocument } from '../iam/policy-document';
import { shortestIntervalSeconds } from './expression';

export interface ScheduleProps {
  readonly ruleName: string;
  /** `rate(...)` or `cron(...)`, as EventBridge parses them (checked at synth). */
  readonly expression: string;
  /** The function's timeout: it must be shorter than the schedule's shortest interval, so runs never overlap. */
  readonly timeoutSeconds?: number;
  readonly functionName: string;
  readonly functionArn: string;
  readonly deadLetterQueueArn: string;
  readonly deadLetterQueueUrl: string;
  /** EventBridge retries within this age, then dead-letters the event. */
  readonly maxEventAgeSeconds?: number;
  readonly maxRetryAttempts?: number;
}

/**
 * The schedule: an EventBridge rule that invokes the function, retries within
 * bounds, dead-letters what it cannot deliver, and is the only caller allowed.
 */
export class Schedule extends Construct {
  public readonly rule: CloudwatchEventRule;
  public readonly ruleArn: string;

  constructor(scope: Construct, id: string, props: ScheduleProps) {
    super(scope, id);
    const interval = shortestIntervalSeconds(props.expression);
    if (props.timeoutSeconds !== undefined && props.timeoutSeconds >= interval) {
      throw new Error(`Schedule.timeoutSeconds: ${props.timeoutSeconds} s must be shorter than the schedule's shortest interval (${interval} s)`);
    }
    this.rule = new CloudwatchEventRule(this, 'rule', {
      name: props.ruleName,
      description: 'Runs the container anomaly detector',
      scheduleExpression: props.expression,
    });
    this.ruleArn = this.rule.arn;
    new CloudwatchEventTarget(this, 'target', {
      rule: this.rule.name,
      arn: props.functionArn,
      retryPolicy: {
        maximumEventAgeInSeconds: props.maxEventAgeSeconds ?? 600,
        maximumRetryAttempts: props.maxRetryAttempts ?? 2,
      },
      deadLetterConfig: { arn: props.deadLetterQueueArn },
    });
    new LambdaPermission(this, 'invoke', {
      statementId: 'AllowScheduleRule',
      action: 'lambda:InvokeFunction',
      functionName: props.functionName,
      principal: 'events.amazonaws.com',
      sourceArn: this.rule.arn,
    });
    new SqsQueuePolicy(this, 'dead-letter-policy', {
      queueUrl: props.deadLetterQueueUrl,
      policy: policyDocument([
        {
          Sid: 'ScheduleRuleDeadLetters',
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: ['sqs:SendMessage'],
          Resource: props.deadLetterQueueArn,
          Condition: { ArnEquals: { 'aws:SourceArn': this.rule.arn } },
        },
        {
          Sid: 'DenyInsecureTransport',
          Effect: 'Deny',
          Principal: '*',
          Action: ['sqs:*'],
          Resource: props.deadLetterQueueArn,
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
      ]),
    });
  }
}
