import { mockClient } from 'aws-sdk-client-mock';
import { InvokeEndpointCommand, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { chunkRows, loadModelMetadata, parseScores, SageMakerScorer, toCsvRow } from '../../../../src/adapters/aws/sagemaker-scorer';
import { MemoryObjectStore } from '../../../../src/adapters/memory/object-store';
import type { ModelMetadata } from '../../../../src/core/model-metadata';
import type { ContainerSample } from '../../../../src/core/model';
import { fullMetrics, noDeadline } from '../../../support/fakes';

const meta: ModelMetadata = {
  featureOrder: ['mem_pct', 'cpu_pct', 'net_mbps', 'disk_iops'],
  scaling: { mean: [50, 40, 20, 100], std: [10, 10, 5, 50] },
  scoreStats: { mean: 1, std: 0.2, p99: 1.8, p999: 2.2 },
  threshold: 2.1,
  trainingJobName: 'rcf-1',
  trainedAt: '2026-11-01T00:00:00.000Z',
  hyperparameters: { feature_dim: '4', num_trees: '100', num_samples_per_tree: '256' },
};
const sample = (id: string, cpu = 60): ContainerSample => ({ containerId: id, service: 'api', cluster: 'apps', timestamp: '2026-11-24T10:00:00Z', metrics: fullMetrics(cpu), sources: ['splunk'] });
const answer = (n: number, score = 1) => new TextEncoder().encode(JSON.stringify({ scores: Array.from({ length: n }, () => ({ score })) }));

describe('SageMakerScorer', () => {
  const runtime = mockClient(SageMakerRuntimeClient);
  beforeEach(() => runtime.reset());

  it('sends standardised CSV rows in the model’s feature order', () => {
    expect(toCsvRow(sample('a', 60), meta)).toBe('0.0000000,2.0000000,0.0000000,0.0000000');
  });

  it('scores a batch and returns the model threshold', async () => {
    runtime.on(InvokeEndpointCommand).resolves({ Body: answer(2, 1.5) as never });
    const scorer = new SageMakerScorer(runtime as unknown as SageMakerRuntimeClient, { endpointName: 'cad-prod-rcf', loadMetadata: async () => meta });
    await expect(scorer.score([sample('a'), sample('b')], noDeadline)).resolves.toEqual({ scores: [1.5, 1.5], threshold: 2.1 });
    const input = runtime.commandCalls(InvokeEndpointCommand)[0].args[0].input;
    expect(input).toMatchObject({ EndpointName: 'cad-prod-rcf', ContentType: 'text/csv', Accept: 'application/json' });
    expect(new TextDecoder().decode(input.Body as Uint8Array).split('\n')).toHaveLength(2);
  });

  it('splits requests to stay under the payload limit', async () => {
    runtime.on(InvokeEndpointCommand).callsFake((input: { Body: Uint8Array }) => ({ Body: answer(new TextDecoder().decode(input.Body).split('\n').length) }));
    const scorer = new SageMakerScorer(runtime as unknown as SageMakerRuntimeClient, { endpointName: 'e', loadMetadata: async () => meta, maxPayloadBytes: 100 });
    const samples = Array.from({ length: 7 }, (_, i) => sample(`c${i}`));
    const { scores } = await scorer.score(samples, noDeadline);
    expect(scores).toHaveLength(7);
    const bodies = runtime.commandCalls(InvokeEndpointCommand).map((c) => (c.args[0].input.Body as Uint8Array).byteLength);
    expect(bodies.length).toBeGreaterThan(1);
    for (const b of bodies) expect(b).toBeLessThanOrEqual(100);
  });

  it('retries throttling with backoff, then succeeds', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    runtime.on(InvokeEndpointCommand).rejectsOnce(throttled).resolves({ Body: answer(1) as never });
    const scorer = new SageMakerScorer(runtime as unknown as SageMakerRuntimeClient, { endpointName: 'e', loadMetadata: async () => meta, baseDelayMs: 1 });
    await expect(scorer.score([sample('a')], noDeadline)).resolves.toEqual({ scores: [1], threshold: 2.1 });
    expect(runtime.commandCalls(InvokeEndpointCommand)).toHaveLength(2);
  });

  it('does not retry a missing endpoint', async () => {
    runtime.on(InvokeEndpointCommand).rejects(Object.assign(new Error('Endpoint e of account 1 not found.'), { name: 'ValidationError' }));
    const scorer = new SageMakerScorer(runtime as unknown as SageMakerRuntimeClient, { endpointName: 'e', loadMetadata: async () => meta, baseDelayMs: 1 });
    await expect(scorer.score([sample('a')], noDeadline)).rejects.toThrow('not found');
    expect(runtime.commandCalls(InvokeEndpointCommand)).toHaveLength(1);
  });

  it('rejects an answer with the wrong number of scores', () => {
    expect(() => parseScores('{"scores":[{"score":1}]}', 2)).toThrow('endpoint answered 1 scores for 2 rows');
    expect(chunkRows(['aaaa', 'bbbb', 'cc'], 10)).toEqual([['aaaa', 'bbbb'], ['cc']]);
  });

  it('loads and validates the metadata file next to the model', async () => {
    const store = new MemoryObjectStore();
    await expect(loadModelMetadata(store, 'models/env=prod/x/model.metadata.json')).rejects.toThrow('does not exist: train and promote a model first');
    await store.put('m.json', new TextEncoder().encode(JSON.stringify({ ...meta, threshold: -1 })));
    await expect(loadModelMetadata(store, 'm.json')).rejects.toThrow('model metadata m.json is invalid: threshold');
    await store.put('ok.json', new TextEncoder().encode(JSON.stringify(meta)));
    await expect(loadModelMetadata(store, 'ok.json')).resolves.toEqual(meta);
  });
});
