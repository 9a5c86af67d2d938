import { decideAnomalies } from '../../../src/core/policy';
import type { ContainerSample } from '../../../src/core/model';
import { scoreBatch } from '../../../src/pipeline/scoring';
import type { RemoteScorer } from '../../../src/pipeline/ports';
import { fullMetrics, ScriptedDetector } from '../../support/fakes';

const samples: ContainerSample[] = ['api-1', 'api-2'].map((id) => ({ containerId: id, service: 'api', cluster: 'apps', timestamp: '2026-11-24T10:00:00Z', metrics: fullMetrics(), sources: ['splunk'] }));
const remote: RemoteScorer = { name: 'sagemaker', score: async () => ({ scores: [5, 0.1], threshold: 3 }) };
const deadline = { remainingMs: () => 10_000 };

describe('batch scoring', () => {
  it('lets a SageMaker verdict through while the embedded models are still warming up (issue #16)', async () => {
    // A fresh embedded state (a new environment, or one reset after a format change) warms up for a day:
    // that must not mute the remote model, which was trained on the fleet's history.
    const result = await scoreBatch(samples, new ScriptedDetector(new Map(), true), remote, deadline);
    expect(result.scores.map((s) => [s.scorer, s.isAnomaly, s.warmingUp])).toEqual([['sagemaker', true, false], ['sagemaker', false, false]]);
    expect(decideAnomalies(samples, result.scores).map((a) => a.containerId)).toEqual(['api-1']);
  });

  it('keeps the embedded warm-up when the embedded detector decides', async () => {
    const result = await scoreBatch(samples, new ScriptedDetector(new Map([['api-1', { metric: 'cpu_pct', direction: 'high' }]]), true), undefined, deadline);
    expect(result.scores.map((s) => [s.scorer, s.isAnomaly, s.warmingUp])).toEqual([['embedded', true, true], ['embedded', false, true]]);
    expect(decideAnomalies(samples, result.scores)).toEqual([]);
  });

  it('keeps a frozen feed frozen when SageMaker decides: the remote verdict on readings that are not live scales nothing', async () => {
    const detector = new ScriptedDetector();
    const updateBatch = detector.updateBatch.bind(detector);
    detector.updateBatch = (inputs) => updateBatch(inputs).map((d, i) => ({ ...d, frozen: i === 0 }));
    const result = await scoreBatch(samples, detector, remote, deadline);
    expect(result.scores.map((s) => [s.scorer, s.isAnomaly, s.frozen])).toEqual([['sagemaker', true, true], ['sagemaker', false, false]]);
    expect(decideAnomalies(samples, result.scores).map((a) => [a.containerId, a.kind])).toEqual([['api-1', 'frozen']]);
  });

  it('hands the embedded detector the whole cycle at once, so peers can be compared', async () => {
    const detector = new ScriptedDetector();
    const batches: number[] = [];
    const updateBatch = detector.updateBatch.bind(detector);
    detector.updateBatch = (inputs) => {
      batches.push(inputs.length);
      return updateBatch(inputs);
    };
    await scoreBatch(samples, detector, undefined, deadline);
    expect(batches).toEqual([2]);
  });
});
