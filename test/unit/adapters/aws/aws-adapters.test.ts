import { mockClient } from 'aws-sdk-client-mock';
import { GetObjectCommand, PutObjectCommand, S3Client, NoSuchKey, S3ServiceException } from '@aws-sdk/client-s3';
import { DescribeServicesCommand, ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { ApplicationAutoScalingClient, DescribeScalableTargetsCommand, RegisterScalableTargetCommand } from '@aws-sdk/client-application-auto-scaling';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { S3ObjectStore } from '../../../../src/adapters/aws/s3-object-store';
import { EcsScaler } from '../../../../src/adapters/aws/ecs-scaler';
import { SnsAlerter } from '../../../../src/adapters/aws/sns-alerter';
import { PreconditionFailedError } from '../../../../src/pipeline/ports';

// The SDK's streaming body, reduced to the one method the store uses.
const body = (text: string) => ({ transformToByteArray: async () => new Uint8Array(Buffer.from(text)) }) as never;

describe('S3ObjectStore', () => {
  const s3 = mockClient(S3Client);
  const store = new S3ObjectStore(s3 as unknown as S3Client, 'archive');
  beforeEach(() => s3.reset());

  it('reads an object with its ETag', async () => {
    s3.on(GetObjectCommand, { Bucket: 'archive', Key: 'state/a' }).resolves({ Body: body('hello'), ETag: '"e1"' });
    const got = await store.get('state/a');
    expect(new TextDecoder().decode(got?.body)).toBe('hello');
    expect(got?.etag).toBe('"e1"');
  });

  it('answers undefined for a missing key', async () => {
    s3.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'nope', $metadata: { httpStatusCode: 404 } }));
    await expect(store.get('state/missing')).resolves.toBeUndefined();
  });

  it('names the object when a read fails for another reason', async () => {
    s3.on(GetObjectCommand).rejects(new S3ServiceException({ name: 'AccessDenied', $fault: 'client', message: 'Access Denied', $metadata: { httpStatusCode: 403 } }));
    await expect(store.get('state/a')).rejects.toThrow('reading s3://archive/state/a failed: Access Denied');
  });

  it('writes with If-Match or If-None-Match', async () => {
    s3.on(PutObjectCommand).resolves({ ETag: '"e2"' });
    await store.put('state/l', new Uint8Array([1]), { condition: { ifMatch: '"e1"' }, contentType: 'application/json' });
    await store.put('state/l', new Uint8Array([1]), { condition: { ifNoneMatch: '*' } });
    const calls = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    expect(calls[0]).toMatchObject({ Bucket: 'archive', Key: 'state/l', IfMatch: '"e1"', IfNoneMatch: undefined, ContentType: 'application/json' });
    expect(calls[1]).toMatchObject({ IfMatch: undefined, IfNoneMatch: '*' });
  });

  it('turns a 412 into PreconditionFailedError so the caller re-reads', async () => {
    s3.on(PutObjectCommand).rejects(new S3ServiceException({ name: 'PreconditionFailed', $fault: 'client', message: 'At least one of the pre-conditions you specified did not hold', $metadata: { httpStatusCode: 412 } }));
    await expect(store.put('state/l', new Uint8Array([1]), { condition: { ifMatch: '"old"' } })).rejects.toBeInstanceOf(PreconditionFailedError);
  });
});

describe('EcsScaler', () => {
  const ecs = mockClient(ECSClient);
  const aas = mockClient(ApplicationAutoScalingClient);
  const scaler = new EcsScaler(ecs as unknown as ECSClient, aas as unknown as ApplicationAutoScalingClient);
  beforeEach(() => { ecs.reset(); aas.reset(); });

  it('describes desired and running counts and any auto scaling target', async () => {
    ecs.on(DescribeServicesCommand, { cluster: 'apps', services: ['api'] }).resolves({ services: [{ serviceName: 'api', desiredCount: 3, runningCount: 2 }] });
    aas.on(DescribeScalableTargetsCommand, { ServiceNamespace: 'ecs', ResourceIds: ['service/apps/api'], ScalableDimension: 'ecs:service:DesiredCount' })
      .resolves({ ScalableTargets: [{ MinCapacity: 2, MaxCapacity: 8 } as never] });
    await expect(scaler.describe('apps', 'api')).resolves.toEqual({ desiredCount: 3, runningCount: 2, autoScaling: { minCapacity: 2, maxCapacity: 8 } });
  });

  it('reports ECS failures for a missing service', async () => {
    ecs.on(DescribeServicesCommand).resolves({ services: [], failures: [{ arn: 'arn:x', reason: 'MISSING' }] });
    await expect(scaler.describe('apps', 'ghost')).rejects.toThrow('ECS service apps/ghost: MISSING');
  });

  it('updates the desired count, or sets only the scalable target minimum (never its maximum)', async () => {
    ecs.on(UpdateServiceCommand).resolves({});
    aas.on(RegisterScalableTargetCommand).resolves({});
    await scaler.setDesiredCount('apps', 'api', 4);
    await scaler.setMinCapacity('apps', 'api', 4);
    expect(ecs.commandCalls(UpdateServiceCommand)[0].args[0].input).toEqual({ cluster: 'apps', service: 'api', desiredCount: 4 });
    expect(aas.commandCalls(RegisterScalableTargetCommand)[0].args[0].input).toEqual({
      ServiceNamespace: 'ecs', ResourceId: 'service/apps/api', ScalableDimension: 'ecs:service:DesiredCount', MinCapacity: 4,
    });
  });
});

describe('SnsAlerter', () => {
  const sns = mockClient(SNSClient);
  const alerter = new SnsAlerter(sns as unknown as SNSClient, 'arn:aws:sns:eu-west-1:1:t');
  const attributes = { environment: 'prod', severity: 'critical', status: 'firing' } as const;
  beforeEach(() => sns.reset());

  it('publishes subject, JSON body and the environment/severity/status attributes', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const id = await alerter.publish({ subject: 's', body: '{}', attributes });
    expect(id).toBe('m-1');
    expect(sns.commandCalls(PublishCommand)[0].args[0].input).toEqual({
      TopicArn: 'arn:aws:sns:eu-west-1:1:t', Subject: 's', Message: '{}',
      MessageAttributes: {
        environment: { DataType: 'String', StringValue: 'prod' },
        severity: { DataType: 'String', StringValue: 'critical' },
        status: { DataType: 'String', StringValue: 'firing' },
      },
    });
  });

  it.each([
    ['a subject of 100 characters', { subject: 's'.repeat(100), body: '{}' }, 'subject is 100 characters'],
    ['a line break in the subject', { subject: 'a\nb', body: '{}' }, 'not printable ASCII or a line break'],
    ['a non-ASCII subject', { subject: 'caf\u00e9', body: '{}' }, 'not printable ASCII'],
    ['a message over 256 KB', { subject: 's', body: 'x'.repeat(256 * 1024) }, 'bytes with its attributes'],
  ])('refuses %s as SNS would, naming the limit, without calling SNS', async (_name, message, problem) => {
    await expect(alerter.publish({ ...message, attributes })).rejects.toThrow(problem);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });
});
