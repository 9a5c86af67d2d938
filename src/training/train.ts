/**
 * Training and promotion of SageMaker's built-in Random Cut Forest on an
 * environment's archive: read the archived samples, write a standardised
 * training set (feature order recorded), train, score the training set with a
 * batch transform to calibrate the threshold, and write the metadata file next
 * to the artifact. Promotion is then a config change (`modelArtifactKey`).
 */
import { gunzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  CreateModelCommand,
  CreateTrainingJobCommand,
  CreateTransformJobCommand,
  DeleteModelCommand,
  DescribeTrainingJobCommand,
  DescribeTransformJobCommand,
  type SageMakerClient,
  type TrainingInstanceType,
  type TransformInstanceType,
} from '@aws-sdk/client-sagemaker';
import { METRIC_NAMES } from '../core/model';
import type { ModelMetadata } from '../core/model-metadata';
import { archiveKeys } from '../config/naming';

/**
 * Registries of SageMaker's built-in algorithms (SageMaker developer guide,
 * "Docker registry paths for built-in algorithms"). The stack resolves the
 * image with the provider's data source; this CLI cannot, so it keeps the
 * table and takes `--image` for any other region.
 */
export const RCF_REGISTRIES: Record<string, string> = {
  'us-east-1': '382416733822',
  'us-east-2': '404615174143',
  'us-west-2': '174872318107',
  'eu-west-1': '438346466558',
  'eu-central-1': '664544806723',
  'ap-southeast-2': '712309505854',
};

export function rcfImage(region: string, override?: string): string {
  if (override) return override;
  const account = RCF_REGISTRIES[region];
  if (!account) throw new Error(`no built-in Random Cut Forest registry known for ${region}: pass --image <registry>/randomcutforest:1`);
  return `${account}.dkr.ecr.${region}.amazonaws.com/randomcutforest:1`;
}

export class TrainingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrainingError';
  }
}

/** Turns AWS permission errors into a message that says what is missing. */
export function explainAwsError(e: unknown, action: string): Error {
  const name = (e as { name?: string }).name ?? '';
  if (/AccessDenied|UnauthorizedOperation|not authorized/i.test(`${name} ${(e as Error).message}`)) {
    return new TrainingError(`${action}: access denied — the operator needs ${action} and iam:PassRole on the training role (${(e as Error).message})`);
  }
  return e instanceof Error ? e : new Error(String(e));
}

export interface TrainingSet {
  rows: number[][];
  mean: number[];
  std: number[];
  batches: number;
}

/** Days between two dates (inclusive), as YYYY-MM-DD. */
export function daysBetween(from: string, to: string): string[] {
  const start = Date.parse(`${from}T00:00:00Z`);
  const end = Date.parse(`${to}T00:00:00Z`);
  if (!Number.isFinite(start) || !Number.isFinite(end)) throw new TrainingError(`dates must be YYYY-MM-DD, got ${from} and ${to}`);
  if (end < start) throw new TrainingError(`--to ${to} is before --from ${from}`);
  const days: string[] = [];
  for (let t = start; t <= end; t += 86_400_000) days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}

/** Reads every archived batch of the days and keeps the merged samples' features. */
export async function readTrainingSet(s3: S3Client, bucket: string, env: string, days: string[]): Promise<TrainingSet> {
  const rows: number[][] = [];
  let batches = 0;
  for (const day of days) {
    let token: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `${archiveKeys.metricsEnvPrefix(env)}date=${day}/`, ContinuationToken: token }));
      for (const object of page.Contents ?? []) {
        const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: object.Key }));
        const text = gunzipSync(await res.Body!.transformToByteArray()).toString('utf8');
        batches++;
        for (const line of text.split('\n')) {
          if (!line.includes('"record":"sample"')) continue;
          const sample = JSON.parse(line) as { metrics: Record<string, number> };
          rows.push(METRIC_NAMES.map((m) => sample.metrics[m]));
        }
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }
  if (rows.length === 0) throw new TrainingError(`no archived samples for ${env} between ${days[0]} and ${days[days.length - 1]}: let the detector run first`);
  const mean = METRIC_NAMES.map((_, i) => rows.reduce((s, r) => s + r[i], 0) / rows.length);
  const std = METRIC_NAMES.map((_, i) => Math.sqrt(rows.reduce((s, r) => s + (r[i] - mean[i]) ** 2, 0) / rows.length) || 1);
  return { rows, mean, std, batches };
}

export function toCsv(set: TrainingSet): string {
  return set.rows.map((r) => r.map((v, i) => ((v - set.mean[i]) / set.std[i]).toPrecision(8)).join(',')).join('\n') + '\n';
}

/** Mean, deviation and tail of RCF scores (one `{"score":n}` JSON per line, as batch transform writes them). */
export function scoreStatistics(lines: string[]): ModelMetadata['scoreStats'] {
  const scores = lines.filter((l) => l.trim()).map((l) => (JSON.parse(l) as { score: number }).score).sort((a, b) => a - b);
  if (scores.length === 0) throw new TrainingError('the batch transform returned no scores');
  const mean = scores.reduce((s, x) => s + x, 0) / scores.length;
  const std = Math.sqrt(scores.reduce((s, x) => s + (x - mean) ** 2, 0) / scores.length);
  const at = (q: number) => scores[Math.min(scores.length - 1, Math.floor(q * scores.length))];
  return { mean, std, p99: at(0.99), p999: at(0.999) };
}

export interface TrainOptions {
  env: string;
  region: string;
  bucket: string;
  roleArn: string;
  days: string[];
  jobName: string;
  image?: string;
  instanceType?: string;
  pollMs?: number;
  progress: (line: string) => void;
  sleep?: (ms: number) => Promise<void>;
}

const HYPERPARAMETERS = { feature_dim: String(METRIC_NAMES.length), num_trees: '100', num_samples_per_tree: '256' };

async function waitFor<T>(describe: () => Promise<T>, state: (t: T) => { status: string; detail?: string; failure?: string }, o: TrainOptions, what: string): Promise<T> {
  const sleep = o.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  let last = '';
  for (;;) {
    const current = await describe();
    const s = state(current);
    const line = `${what}: ${s.status}${s.detail ? ` (${s.detail})` : ''}`;
    if (line !== last) o.progress(line);
    last = line;
    if (s.status === 'Completed') return current;
    if (s.status === 'Failed' || s.status === 'Stopped') throw new TrainingError(`${what} ${s.status.toLowerCase()}: ${s.failure ?? 'no reason given'}`);
    await sleep(o.pollMs ?? 30_000);
  }
}

/** Runs the whole training; returns the artifact key to put into the environment's config. */
export async function train(s3: S3Client, sm: SageMakerClient, o: TrainOptions): Promise<{ artifactKey: string; metadata: ModelMetadata }> {
  const set = await readTrainingSet(s3, o.bucket, o.env, o.days);
  o.progress(`training set: ${set.rows.length} samples from ${set.batches} archived batches`);
  const prefix = `${archiveKeys.trainingPrefix(o.env)}${o.jobName}`;
  await s3.send(new PutObjectCommand({ Bucket: o.bucket, Key: `${prefix}/train/train.csv`, Body: toCsv(set), ContentType: 'text/csv' }));
  const image = rcfImage(o.region, o.image);
  const modelsUri = `s3://${o.bucket}/${archiveKeys.modelsPrefix(o.env)}`;
  // Calibration scores land under models/, the one prefix the training role may write.
  const scoresKey = `${archiveKeys.modelsPrefix(o.env)}${o.jobName}/calibration/`;
  try {
    await sm.send(
      new CreateTrainingJobCommand({
        TrainingJobName: o.jobName,
        RoleArn: o.roleArn,
        AlgorithmSpecification: { TrainingImage: image, TrainingInputMode: 'File' },
        HyperParameters: HYPERPARAMETERS,
        InputDataConfig: [{ ChannelName: 'train', ContentType: 'text/csv;label_size=0', DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: `s3://${o.bucket}/${prefix}/train/`, S3DataDistributionType: 'ShardedByS3Key' } } }],
        OutputDataConfig: { S3OutputPath: modelsUri },
        ResourceConfig: { InstanceType: (o.instanceType ?? 'ml.m5.large') as TrainingInstanceType, InstanceCount: 1, VolumeSizeInGB: 10 },
        StoppingCondition: { MaxRuntimeInSeconds: 3600 },
      }),
    );
  } catch (e) {
    throw explainAwsError(e, 'sagemaker:CreateTrainingJob');
  }
  const job = await waitFor(
    () => sm.send(new DescribeTrainingJobCommand({ TrainingJobName: o.jobName })),
    (j) => ({ status: j.TrainingJobStatus ?? 'Unknown', detail: j.SecondaryStatus, failure: j.FailureReason }),
    o,
    `training job ${o.jobName}`,
  );
  const artifactUri = job.ModelArtifacts?.S3ModelArtifacts;
  if (!artifactUri?.startsWith(`s3://${o.bucket}/`)) throw new TrainingError(`training job ${o.jobName} completed without an artifact in ${o.bucket}`);
  const artifactKey = artifactUri.slice(`s3://${o.bucket}/`.length);

  // Score the training set with the new model to calibrate its threshold.
  const modelName = `${o.jobName}-calibration`;
  await sm.send(new CreateModelCommand({ ModelName: modelName, ExecutionRoleArn: o.roleArn, PrimaryContainer: { Image: image, ModelDataUrl: artifactUri } }));
  try {
    await sm.send(
      new CreateTransformJobCommand({
        TransformJobName: modelName,
        ModelName: modelName,
        TransformInput: { ContentType: 'text/csv', SplitType: 'Line', DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: `s3://${o.bucket}/${prefix}/train/` } } },
        TransformOutput: { S3OutputPath: `s3://${o.bucket}/${scoresKey}`, Accept: 'application/jsonlines', AssembleWith: 'Line' },
        TransformResources: { InstanceType: (o.instanceType ?? 'ml.m5.large') as TransformInstanceType, InstanceCount: 1 },
      }),
    );
    await waitFor(() => sm.send(new DescribeTransformJobCommand({ TransformJobName: modelName })), (j) => ({ status: j.TransformJobStatus ?? 'Unknown', failure: j.FailureReason }), o, `calibration ${modelName}`);
  } finally {
    await sm.send(new DeleteModelCommand({ ModelName: modelName }));
  }
  const scored = await s3.send(new GetObjectCommand({ Bucket: o.bucket, Key: `${scoresKey}train.csv.out` }));
  const scoreStats = scoreStatistics((await scored.Body!.transformToString()).split('\n'));
  const metadata: ModelMetadata = {
    featureOrder: [...METRIC_NAMES],
    scaling: { mean: set.mean, std: set.std },
    scoreStats,
    // AWS's guidance for RCF: scores beyond three standard deviations from the mean are anomalous.
    threshold: Math.max(scoreStats.mean + 3 * scoreStats.std, Number.EPSILON),
    trainingJobName: o.jobName,
    trainedAt: new Date().toISOString(),
    hyperparameters: HYPERPARAMETERS,
  };
  await s3.send(new PutObjectCommand({ Bucket: o.bucket, Key: archiveKeys.modelMetadata(artifactKey), Body: JSON.stringify(metadata, null, 2), ContentType: 'application/json' }));
  return { artifactKey, metadata };
}
