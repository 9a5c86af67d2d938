import { gzipSync } from 'node:zlib';
import { mockClient } from 'aws-sdk-client-mock';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateModelCommand, CreateTrainingJobCommand, CreateTransformJobCommand, DeleteModelCommand, DescribeTrainingJobCommand, DescribeTransformJobCommand, SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { daysBetween, rcfImage, scoreStatistics, train, type TrainOptions } from '../../../src/training/train';
import { modelMetadataSchema } from '../../../src/core/model-metadata';

const body = (bytes: Uint8Array | string) => ({
  transformToByteArray: async () => (typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes),
  transformToString: async () => (typeof bytes === 'string' ? bytes : new TextDecoder().decode(bytes)),
}) as never;

function batch(samples: number[][]): Uint8Array {
  const lines = [JSON.stringify({ record: 'run', runId: 'r' }), JSON.stringify({ record: 'raw', source: 'splunk', row: {} })];
  for (const [cpu, mem, net, disk] of samples) lines.push(JSON.stringify({ record: 'sample', containerId: 'c', metrics: { cpu_pct: cpu, mem_pct: mem, net_mbps: net, disk_iops: disk } }));
  return gzipSync(lines.join('\n') + '\n');
}

describe('training command', () => {
  const s3 = mockClient(S3Client);
  const sm = mockClient(SageMakerClient);
  const progress: string[] = [];
  const options: TrainOptions = {
    env: 'prod', region: 'eu-west-1', bucket: 'cad-prod-archive', roleArn: 'arn:aws:iam::1:role/cad-prod-sagemaker-training',
    days: ['2026-11-20', '2026-11-21'], jobName: 'cad-prod-rcf-1', pollMs: 0, progress: (l) => progress.push(l), sleep: async () => undefined,
  };
  beforeEach(() => {
    s3.reset();
    sm.reset();
    progress.length = 0;
  });

  function happyPath() {
    s3.on(ListObjectsV2Command, { Prefix: 'metrics/env=prod/date=2026-11-20/' }).resolves({ Contents: [{ Key: 'metrics/env=prod/date=2026-11-20/hour=00/a.jsonl.gz' }] });
    s3.on(ListObjectsV2Command, { Prefix: 'metrics/env=prod/date=2026-11-21/' }).resolves({ Contents: [{ Key: 'metrics/env=prod/date=2026-11-21/hour=00/b.jsonl.gz' }] });
    s3.on(GetObjectCommand, { Key: 'metrics/env=prod/date=2026-11-20/hour=00/a.jsonl.gz' }).resolves({ Body: body(batch([[10, 40, 5, 100], [20, 50, 15, 300]])) });
    s3.on(GetObjectCommand, { Key: 'metrics/env=prod/date=2026-11-21/hour=00/b.jsonl.gz' }).resolves({ Body: body(batch([[30, 60, 25, 500]])) });
    s3.on(GetObjectCommand, { Key: 'models/env=prod/cad-prod-rcf-1/calibration/train.csv.out' }).resolves({ Body: body('{"score":1.0}\n{"score":1.2}\n{"score":0.8}\n') });
    s3.on(PutObjectCommand).resolves({});
    sm.on(CreateTrainingJobCommand).resolves({});
    sm.on(DescribeTrainingJobCommand)
      .resolvesOnce({ TrainingJobStatus: 'InProgress', SecondaryStatus: 'Training' })
      .resolves({ TrainingJobStatus: 'Completed', SecondaryStatus: 'Completed', ModelArtifacts: { S3ModelArtifacts: 's3://cad-prod-archive/models/env=prod/cad-prod-rcf-1/output/model.tar.gz' } });
    sm.on(CreateModelCommand).resolves({});
    sm.on(CreateTransformJobCommand).resolves({});
    sm.on(DescribeTransformJobCommand).resolves({ TransformJobStatus: 'Completed' });
    sm.on(DeleteModelCommand).resolves({});
  }

  it('trains on the archive, calibrates the threshold and writes the metadata next to the artifact', async () => {
    happyPath();
    const result = await train(s3 as unknown as S3Client, sm as unknown as SageMakerClient, options);
    expect(result.artifactKey).toBe('models/env=prod/cad-prod-rcf-1/output/model.tar.gz');
    const trainingSet = s3.commandCalls(PutObjectCommand).find((c) => c.args[0].input.Key === 'training/env=prod/cad-prod-rcf-1/train/train.csv')!;
    const csv = String(trainingSet.args[0].input.Body).trim().split('\n');
    expect(csv).toHaveLength(3);
    expect(csv[1].split(',').map(Number)).toEqual([0, 0, 0, 0]);
    const job = sm.commandCalls(CreateTrainingJobCommand)[0].args[0].input;
    expect(job).toMatchObject({
      TrainingJobName: 'cad-prod-rcf-1',
      RoleArn: options.roleArn,
      AlgorithmSpecification: { TrainingImage: '438346466558.dkr.ecr.eu-west-1.amazonaws.com/randomcutforest:1' },
      HyperParameters: { feature_dim: '4', num_trees: '100', num_samples_per_tree: '256' },
      OutputDataConfig: { S3OutputPath: 's3://cad-prod-archive/models/env=prod/' },
    });
    const meta = s3.commandCalls(PutObjectCommand).find((c) => c.args[0].input.Key === 'models/env=prod/cad-prod-rcf-1/output/model.metadata.json')!;
    const parsed = modelMetadataSchema.parse(JSON.parse(String(meta.args[0].input.Body)));
    expect(parsed.featureOrder).toEqual(['cpu_pct', 'mem_pct', 'net_mbps', 'disk_iops']);
    expect(parsed.scaling.mean).toEqual([20, 50, 15, 300]);
    expect(parsed.threshold).toBeCloseTo(1 + 3 * Math.sqrt(0.08 / 3), 6);
    expect(sm.commandCalls(DeleteModelCommand)).toHaveLength(1);
    expect(progress).toEqual(expect.arrayContaining(['training set: 3 samples from 2 archived batches', 'training job cad-prod-rcf-1: InProgress (Training)', 'training job cad-prod-rcf-1: Completed (Completed)']));
  });

  it('says so when the archive has no samples for the range', async () => {
    s3.on(ListObjectsV2Command).resolves({ Contents: [] });
    await expect(train(s3 as unknown as S3Client, sm as unknown as SageMakerClient, options)).rejects.toThrow('no archived samples for prod between 2026-11-20 and 2026-11-21');
  });

  it('reports a failed job with SageMaker’s reason', async () => {
    happyPath();
    sm.on(DescribeTrainingJobCommand).resolves({ TrainingJobStatus: 'Failed', FailureReason: 'ClientError: Unable to read data channel train' });
    await expect(train(s3 as unknown as S3Client, sm as unknown as SageMakerClient, options)).rejects.toThrow('training job cad-prod-rcf-1 failed: ClientError: Unable to read data channel train');
  });

  it('names the missing permission when access is denied', async () => {
    happyPath();
    sm.on(CreateTrainingJobCommand).rejects(Object.assign(new Error('User is not authorized to perform: sagemaker:CreateTrainingJob'), { name: 'AccessDeniedException' }));
    await expect(train(s3 as unknown as S3Client, sm as unknown as SageMakerClient, options)).rejects.toThrow('sagemaker:CreateTrainingJob: access denied — the operator needs sagemaker:CreateTrainingJob and iam:PassRole on the training role');
  });

  it('resolves the built-in image per region, or takes an override', () => {
    expect(rcfImage('us-east-1')).toBe('382416733822.dkr.ecr.us-east-1.amazonaws.com/randomcutforest:1');
    expect(rcfImage('me-south-1', 'x.dkr.ecr.me-south-1.amazonaws.com/randomcutforest:1')).toMatch(/^x\./);
    expect(() => rcfImage('me-south-1')).toThrow('pass --image');
  });

  it('expands date ranges and rejects backwards ones', () => {
    expect(daysBetween('2026-11-29', '2026-12-01')).toEqual(['2026-11-29', '2026-11-30', '2026-12-01']);
    expect(() => daysBetween('2026-12-02', '2026-12-01')).toThrow('--to 2026-12-01 is before --from 2026-12-02');
    expect(scoreStatistics(['{"score":2}', '', '{"score":4}'])).toEqual({ mean: 3, std: 1, p99: 4, p999: 4 });
  });
});
