/**
 * npm run train -- --env <env> [--from YYYY-MM-DD --to YYYY-MM-DD] [--image <uri>] [--instance-type ml.m5.large]
 *
 * Trains SageMaker's built-in Random Cut Forest on the environment's archive
 * (default: the last 14 days), calibrates its threshold, writes the metadata
 * next to the artifact and prints the key to set as `sagemaker.modelArtifactKey`.
 */
import { parseArgs } from 'node:util';
import { S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { loadEnvironment } from '../environments';
import { names } from '../src/config/naming';
import { daysBetween, train } from '../src/training/train';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { env: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, image: { type: 'string' }, 'instance-type': { type: 'string' } },
  });
  if (!values.env) throw new Error('usage: npm run train -- --env <env> [--from YYYY-MM-DD --to YYYY-MM-DD] [--image <uri>]');
  const env = loadEnvironment(values.env);
  const region = env.aws.region;
  const today = new Date().toISOString().slice(0, 10);
  const to = values.to ?? today;
  const from = values.from ?? new Date(Date.parse(`${to}T00:00:00Z`) - 13 * 86_400_000).toISOString().slice(0, 10);
  const account = env.aws.accountId ?? (await new STSClient({ region }).send(new GetCallerIdentityCommand({}))).Account!;
  const jobName = `cad-${env.name}-rcf-${new Date().toISOString().replace(/[-:T]/g, '').slice(0, 12)}`;
  const { artifactKey, metadata } = await train(new S3Client({ region }), new SageMakerClient({ region }), {
    env: env.name,
    region,
    bucket: names.archiveBucket(env.name, account, region),
    roleArn: `arn:aws:iam::${account}:role/${names.sagemakerTrainingRole(env.name)}`,
    days: daysBetween(from, to),
    jobName,
    image: values.image,
    instanceType: values['instance-type'],
    progress: (line) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`),
  });
  process.stderr.write(`threshold ${metadata.threshold.toFixed(4)} (score mean ${metadata.scoreStats.mean.toFixed(4)}, p99 ${metadata.scoreStats.p99.toFixed(4)})\n`);
  process.stderr.write(`promote it: set sagemaker.modelArtifactKey in environments/${env.name}.ts, then review the plan\n`);
  process.stdout.write(`${artifactKey}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`train: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
