/** Reading back what went to AWS (moto), as text, for tests that search it. */
import { gunzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

export async function createQueue(sqs: SQSClient, name: string): Promise<{ url: string; arn: string }> {
  const url = (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl!;
  const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  return { url, arn };
}

/** Every message on the queue: its body and its attributes, each as text. */
export async function drainQueue(sqs: SQSClient, url: string): Promise<string[]> {
  const out: string[] = [];
  for (;;) {
    const res = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageAttributeNames: ['All'] }));
    if (!res.Messages?.length) return out;
    for (const m of res.Messages) out.push(m.Body ?? '', JSON.stringify(m.MessageAttributes ?? {}));
  }
}

/** Every object whose key contains `keyPart`, as text: gzip objects unzipped, binary ones byte for byte (latin1). */
export async function objectTexts(s3: S3Client, bucket: string, keyPart: string): Promise<string[]> {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
  const keys = (listed.Contents ?? []).map((o) => o.Key!).filter((k) => k.includes(keyPart));
  return Promise.all(keys.map(async (key) => {
    const body = Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToByteArray());
    return key.endsWith('.gz') ? gunzipSync(body).toString('utf8') : body.toString(key.endsWith('.bin') ? 'latin1' : 'utf8');
  }));
}
