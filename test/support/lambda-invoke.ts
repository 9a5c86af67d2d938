/**
 * What the Lambda service does with an asynchronous invocation that fails, so
 * the canary test sees the same outputs a deployed function produces:
 * - the Node.js runtime logs the thrown error as `Invoke Error` with its type,
 *   message and stack (https://docs.aws.amazon.com/lambda/latest/dg/nodejs-exceptions.html);
 * - after the retries, the event goes to the function's dead-letter queue
 *   as-is, with the attributes `RequestID`, `ErrorCode` and `ErrorMessage`
 *   (the first 1 KB of the message)
 *   (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html, "Dead-letter queues").
 */
import { randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DetectEvent, DetectHandler, DetectResult } from '../../src/runtime/handler';

export interface AsyncInvocation {
  result?: DetectResult;
  error?: Error;
  /** The runtime's log line for a failed invocation, plus everything Node would print for the error (own fields, cause). */
  runtimeLog: string[];
}

export async function invokeAsync(handler: DetectHandler, event: DetectEvent, deadLetters: { sqs: SQSClient; queueUrl: string }): Promise<AsyncInvocation> {
  const requestId = randomUUID();
  try {
    return { result: await handler(event, { getRemainingTimeInMillis: () => 60_000 }), runtimeLog: [] };
  } catch (e) {
    const error = e instanceof Error ? e : new Error(String(e));
    const line = `${new Date().toISOString()}\t${requestId}\tERROR\tInvoke Error \t${JSON.stringify({ errorType: error.name, errorMessage: error.message, stack: (error.stack ?? '').split('\n') })}`;
    await deadLetters.sqs.send(
      new SendMessageCommand({
        QueueUrl: deadLetters.queueUrl,
        MessageBody: JSON.stringify(event),
        MessageAttributes: {
          RequestID: { DataType: 'String', StringValue: requestId },
          ErrorCode: { DataType: 'Number', StringValue: '200' },
          ErrorMessage: { DataType: 'String', StringValue: Buffer.from(error.message).subarray(0, 1024).toString() || '(empty)' },
        },
      }),
    );
    return { error, runtimeLog: [line, inspect(error, { depth: 5 })] };
  }
}
