import { invalidValueReason, mergeSamples } from '../../../src/core/merge';
import { fullMetrics, partial } from '../../support/fakes';

describe('mergeSamples', () => {
  it('combines Splunk and Dynatrace metrics of one container into one sample', () => {
    const { samples, dropped } = mergeSamples([
      partial('c1', 'api', { cpu_pct: 40, mem_pct: 50 }, 'splunk'),
      partial('c1', 'api', { net_mbps: 12, disk_iops: 300 }, 'dynatrace'),
    ]);
    expect(samples).toEqual([
      { containerId: 'c1', service: 'api', cluster: 'apps', timestamp: '2026-11-24T10:00:00.000Z', metrics: { cpu_pct: 40, mem_pct: 50, net_mbps: 12, disk_iops: 300 }, sources: ['dynatrace', 'splunk'] },
    ]);
    expect(dropped).toEqual({});
  });

  it('keeps the most recent value per metric when both sources report it', () => {
    const { samples } = mergeSamples([
      partial('c1', 'api', fullMetrics(90), 'dynatrace', '2026-11-24T10:01:00.000Z'),
      partial('c1', 'api', fullMetrics(40), 'splunk', '2026-11-24T10:00:00.000Z'),
    ]);
    expect(samples[0].metrics.cpu_pct).toBe(90);
    expect(samples[0].timestamp).toBe('2026-11-24T10:01:00.000Z');
  });

  it('drops and counts rows with missing ids, NaN, negative and impossible values, and incomplete containers', () => {
    const { samples, dropped } = mergeSamples([
      partial('', 'api', fullMetrics()),
      partial('c2', 'api', { ...fullMetrics(), cpu_pct: Number.NaN }),
      partial('c3', 'api', { ...fullMetrics(), mem_pct: -1 }),
      partial('c4', 'api', { ...fullMetrics(), net_mbps: 1e9 }),
      partial('c5', 'api', { cpu_pct: 1 }),
      partial('c6', 'api', fullMetrics()),
    ]);
    expect(samples.map((s) => s.containerId)).toEqual(['c6']);
    expect(dropped).toEqual({ missing_id: 1, not_a_number: 1, negative: 1, impossible: 1, incomplete: 4 });
  });

  it('orders samples by container id whatever the input order', () => {
    const ids = mergeSamples([partial('b', 's', fullMetrics()), partial('a', 's', fullMetrics())]).samples.map((s) => s.containerId);
    expect(ids).toEqual(['a', 'b']);
  });

  it('names the reason a value is unusable', () => {
    expect(invalidValueReason('cpu_pct', Number.POSITIVE_INFINITY)).toBe('not_a_number');
    expect(invalidValueReason('cpu_pct', 1001)).toBe('impossible');
    expect(invalidValueReason('cpu_pct', 0)).toBeUndefined();
  });
});
