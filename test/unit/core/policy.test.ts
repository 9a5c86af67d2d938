import { classifyKind, decideAnomalies, topMetrics } from '../../../src/core/policy';
import { servicesToScale } from '../../../src/core/scaling';
import { METRIC_NAMES, type Attribution, type ContainerScore, type MetricName } from '../../../src/core/model';
import { fullMetrics } from '../../support/fakes';

function attribution(parts: Partial<Record<MetricName, { high?: number; low?: number }>>): Attribution {
  return Object.fromEntries(METRIC_NAMES.map((m) => [m, { high: parts[m]?.high ?? 0, low: parts[m]?.low ?? 0 }])) as Attribution;
}
const sample = (id: string, service = 'api') => ({ containerId: id, service, cluster: 'apps', timestamp: '2026-11-24T10:00:00Z', metrics: fullMetrics(), sources: ['splunk' as const] });
const score = (id: string, s: number, attr: Attribution, extra: Partial<ContainerScore> = {}): ContainerScore => ({
  containerId: id, score: s, threshold: 1, isAnomaly: s >= 1, warmingUp: false, unusual: s >= 1, attribution: attr, scorer: 'embedded', ...extra,
});

describe('decision policy', () => {
  it('calls rising CPU or memory a saturation: more tasks help', () => {
    expect(classifyKind(attribution({ cpu_pct: { high: 3 }, mem_pct: { high: 1 } }))).toBe('saturation');
  });

  it('calls falling traffic and CPU a drop: more tasks do not help', () => {
    expect(classifyKind(attribution({ net_mbps: { low: 3 }, cpu_pct: { low: 2 }, mem_pct: { high: 0.5 } }))).toBe('drop');
  });

  it('names the metrics that carry the attribution, strongest first', () => {
    expect(topMetrics(attribution({ disk_iops: { high: 5 }, cpu_pct: { high: 2 }, mem_pct: { low: 0.1 } }), 0.2)).toEqual(['disk_iops', 'cpu_pct']);
    expect(topMetrics(attribution({}), 0.2)).toEqual(['cpu_pct']);
  });

  it('marks a score far above the threshold critical and a modest one a warning', () => {
    const samples = [sample('a'), sample('b'), sample('c'), sample('d'), sample('e')];
    const anomalies = decideAnomalies(samples, [
      score('a', 1.2, attribution({ cpu_pct: { high: 1 } })),
      score('b', 2.0, attribution({ cpu_pct: { high: 1 } })),
      score('c', 0.5, attribution({})),
      score('d', 0.5, attribution({})),
      score('e', 0.5, attribution({})),
    ]);
    expect(anomalies.map((a) => [a.containerId, a.severity])).toEqual([['a', 'warning'], ['b', 'critical']]);
    expect(anomalies[0]).toMatchObject({ service: 'api', kind: 'saturation', topMetrics: ['cpu_pct'], scorer: 'embedded' });
  });

  it('marks every anomaly of a service critical when most of its containers are anomalous', () => {
    const attr = attribution({ mem_pct: { high: 1 } });
    const anomalies = decideAnomalies([sample('a'), sample('b'), sample('c')], [score('a', 1.1, attr), score('b', 1.1, attr), score('c', 0.2, attr)]);
    expect(anomalies.map((a) => a.severity)).toEqual(['critical', 'critical']);
  });

  it('calls an anomaly led by readings that stopped changing frozen, which nothing scales on, whatever the attribution says', () => {
    const samples = [sample('a'), sample('b')];
    const anomalies = decideAnomalies(samples, [
      score('a', 3, attribution({ cpu_pct: { high: 5 } }), { frozen: true }),
      score('b', 0.5, attribution({}), { frozen: true }),
    ]);
    expect(anomalies).toHaveLength(1);
    expect(anomalies[0]).toMatchObject({ containerId: 'a', kind: 'frozen', topMetrics: ['cpu_pct'] });
    expect(servicesToScale(anomalies).size).toBe(0);
  });

  it('never reports a container whose model is still warming up', () => {
    expect(decideAnomalies([sample('a')], [score('a', 9, attribution({ cpu_pct: { high: 1 } }), { warmingUp: true })])).toEqual([]);
  });

  it('turns flags on a shift most of a service or the fleet shares into one shift event each, which nothing scales on', () => {
    const up = attribution({ cpu_pct: { high: 1 } });
    const samples = [sample('a'), sample('b'), sample('w1', 'web'), sample('w2', 'web'), sample('x', 'batch')];
    const anomalies = decideAnomalies(samples, [
      score('a', 2, up, { scope: 'service' }),
      score('b', 2, up, { scope: 'service' }),
      score('w1', 2, up, { scope: 'fleet' }),
      score('w2', 2, up, { scope: 'fleet' }),
      score('x', 2, up),
    ]);
    expect(anomalies.map((a) => [a.containerId, a.service, a.kind, a.scope ?? 'container'])).toEqual([
      ['x', 'batch', 'saturation', 'container'],
      ['service:api', 'api', 'shift', 'service'],
      ['fleet', 'fleet', 'shift', 'fleet'],
    ]);
    expect([...servicesToScale(anomalies).values()].map((s) => s.service)).toEqual(['batch']);
  });
});
