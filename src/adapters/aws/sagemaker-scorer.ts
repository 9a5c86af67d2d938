/**
 * Scores samples on the SageMaker Random Cut Forest endpoint: CSV rows in the
 * model's feature order and scaling, split under the payload limit, throttling
 * retried within the run's deadline.
 */
import { InvokeEndpointCommand, type SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import type { ContainerSample } from '../../core/model';
import type { Deadline } from '../../core/ports';
import { modelMetadataSchema, type ModelMetadata } from '../../core/model-metadata';
import { describeIssues } from '../../config/runtime-config';
import type { ObjectStore, RemoteScorer } from '../../pipeline/ports';
import { withRetry } from '../retry';

/** SageMaker's real-time payload limit is 6 MB; stay clear of it. */
export const DEFAULT_MAX_PAYLOAD_BYTES = 5 * 1024 * 1024;
const RETRYABLE = new Set(['ThrottlingException', 'ModelNotReadyException', 'ServiceUnavailable', 'InternalFailure', 'InternalDependencyException']);

export interface SageMakerScorerOptions {
  endpointName: string;
  /** Loads the model's metadata (feature order, scaling, threshold); called once and cached. */
  loadMetadata: () => Promise<ModelMetadata>;
  maxPayloadBytes?: number;
  maxAttempts?: number;
  baseDelayMs?: number;
}

/** One CSV row per sample, standardised as the model was trained. */
export function toCsvRow(sample: ContainerSample, meta: ModelMetadata): string {
  return meta.featureOrder.map((f, i) => ((sample.metrics[f] - meta.scaling.mean[i]) / meta.scaling.std[i]).toPrecision(8)).join(',');
}

/** Splits rows into request bodies of at most `maxBytes`. */
export function chunkRows(rows: string[], maxBytes: number): string[][] {
  const chunks: string[][] = [];
  let current: string[] = [];
  let size = 0;
  for (const row of rows) {
    const bytes = Buffer.byteLength(row) + 1;
    if (bytes > maxBytes) throw new Error(`a single CSV row is ${bytes} bytes, over the ${maxBytes}-byte payload limit`);
    if (size + bytes > maxBytes && current.length) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(row);
    size += bytes;
  }
  if (current.length) chunks.push(current);
  return chunks;
}

/** Parses RCF's JSON answer `{"scores":[{"score":1.2},…]}`. */
export function parseScores(body: string, expected: number): number[] {
  const parsed = JSON.parse(body) as { scores?: Array<{ score?: unknown }> };
  const scores = parsed.scores?.map((s) => s.score);
  if (!scores || scores.length !== expected || scores.some((s) => typeof s !== 'number' || !Number.isFinite(s))) {
    throw new Error(`endpoint answered ${scores?.length ?? 'no'} scores for ${expected} rows`);
  }
  return scores as number[];
}

export async function loadModelMetadata(store: ObjectStore, key: string): Promise<ModelMetadata> {
  const stored = await store.get(key);
  if (!stored) throw new Error(`model metadata ${key} does not exist: train and promote a model first (npm run train)`);
  const result = modelMetadataSchema.safeParse(JSON.parse(new TextDecoder().decode(stored.body)));
  if (!result.success) throw new Error(`model metadata ${key} is invalid: ${describeIssues(result.error.issues)}`);
  return result.data;
}

export class SageMakerScorer implements RemoteScorer {
  readonly name = 'sagemaker' as const;
  private metadata?: Promise<ModelMetadata>;

  constructor(
    private readonly runtime: SageMakerRuntimeClient,
    private readonly options: SageMakerScorerOptions,
  ) {}

  async score(samples: ContainerSample[], deadline: Deadline): Promise<{ scores: number[]; threshold: number }> {
    this.metadata ??= this.options.loadMetadata();
    const meta = await this.metadata.catch((e: unknown) => {
      this.metadata = undefined;
      throw e;
    });
    const rows = samples.map((s) => toCsvRow(s, meta));
    const scores: number[] = [];
    for (const chunk of chunkRows(rows, this.options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES)) {
      const body = await withRetry(
        async () => {
          const res = await this.runtime.send(
            new InvokeEndpointCommand({
              EndpointName: this.options.endpointName,
              ContentType: 'text/csv',
              Accept: 'application/json',
              Body: new TextEncoder().encode(chunk.join('\n')),
            }),
            { abortSignal: AbortSignal.timeout(Math.max(1000, deadline.remainingMs() - 1000)) },
          );
          return new TextDecoder().decode(res.Body);
        },
        {
          attempts: this.options.maxAttempts ?? 4,
          baseDelayMs: this.options.baseDelayMs ?? 200,
          deadline,
          retryable: (e) => RETRYABLE.has((e as { name?: string }).name ?? '') || ((e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? 0) >= 500,
        },
      );
      scores.push(...parseScores(body, chunk.length));
    }
    return { scores, threshold: meta.threshold };
  }
}
