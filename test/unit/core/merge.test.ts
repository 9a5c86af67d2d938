import { invalidValueReason, joinCounts, mergeSamples } from '../../../src/core/merge';
import { fullMetrics, partial } from '../../support/fakes';

const fresh = { now: new Date('2026-11-24T10:05:00.000Z'), staleAfterMs: 10 * 60_000 };

describe('mergeSamples', () => {
  it('combines Splunk and Dynatrace metrics of one container into one sample', () => {
    const { samples, dropped } = mergeSamples([
      partial('c1', 'api', { cpu_pct: 40, mem_pct: 50 }, 'splunk'),
      partial('c1', 'api', { net_mbps: 12, disk_iops: 300 }, 'dynatrace'),
    ], fresh);
    expect(samples).toEqual([
      { containerId: 'c1', service: 'api', cluster: 'apps', timestamp: '2026-11-24T10:00:00.000Z', metrics: { cpu_pct: 40, mem_pct: 50, net_mbps: 12, disk_iops: 300 }, sources: ['dynatrace', 'splunk'] },
    ]);
    expect(dropped).toEqual({});
  });

  it('keeps the most recent value per metric when both sources report it', () => {
    const { samples } = mergeSamples([
      partial('c1', 'api', fullMetrics(90), 'dynatrace', '2026-11-24T10:01:00.000Z'),
      partial('c1', 'api', fullMetrics(40), 'splunk', '2026-11-24T10:00:00.000Z'),
    ], fresh);
    expect(samples[0].metrics.cpu_pct).toBe(90);
    expect(samples[0].timestamp).toBe('2026-11-24T10:01:00.000Z');
  });

  // Bug: a Dynatrace sample carried the newest time of all its metrics, so its 3-minute-old CPU beat Splunk's 1-minute-old one.
  it('judges each metric by its own point time, not by the newest time of the sample it came in', () => {
    const dynatrace = {
      ...partial('c1', 'api', fullMetrics(90), 'dynatrace', '2026-11-24T10:04:00.000Z'),
      observedAt: { cpu_pct: '2026-11-24T10:01:00.000Z' },
    };
    const splunk = partial('c1', 'api', { cpu_pct: 40 }, 'splunk', '2026-11-24T10:03:00.000Z');
    const { samples } = mergeSamples([dynatrace, splunk], fresh);
    expect(samples[0].metrics).toEqual({ ...fullMetrics(90), cpu_pct: 40 });
    expect(samples[0].timestamp).toBe('2026-11-24T10:04:00.000Z');
  });

  it('drops and counts points older than the staleness bound, so a stale value never fills a gap', () => {
    const { samples, dropped } = mergeSamples([
      partial('c1', 'api', fullMetrics(), 'splunk', '2026-11-24T09:54:59.000Z'),
      partial('c2', 'api', fullMetrics(), 'splunk', '2026-11-24T09:55:00.000Z'),
    ], fresh);
    expect(samples.map((s) => s.containerId)).toEqual(['c2']);
    expect(dropped).toEqual({ stale: 4, incomplete: 1 });
  });

  it('drops and counts rows with missing ids, NaN, negative and impossible values, and incomplete containers', () => {
    const { samples, dropped } = mergeSamples([
      partial('', 'api', fullMetrics()),
      partial('c2', 'api', { ...fullMetrics(), cpu_pct: Number.NaN }),
      partial('c3', 'api', { ...fullMetrics(), mem_pct: -1 }),
      partial('c4', 'api', { ...fullMetrics(), net_mbps: 1e9 }),
      partial('c5', 'api', { cpu_pct: 1 }),
      partial('c6', 'api', fullMetrics()),
    ], fresh);
    expect(samples.map((s) => s.containerId)).toEqual(['c6']);
    expect(dropped).toEqual({ missing_id: 1, not_a_number: 1, negative: 1, impossible: 1, incomplete: 4 });
  });

  it('orders samples by container id and picks the same values whatever the input order', () => {
    const a = partial('a', 's', fullMetrics(10), 'splunk');
    const b = partial('a', 's', fullMetrics(20), 'dynatrace');
    const c = partial('b', 's', fullMetrics(), 'splunk');
    const forward = mergeSamples([a, b, c], fresh).samples;
    expect(forward.map((s) => s.containerId)).toEqual(['a', 'b']);
    expect(mergeSamples([c, b, a], fresh).samples).toEqual(forward);
  });

  it('counts the samples both sources reported', () => {
    const { samples } = mergeSamples([
      partial('c1', 'api', { cpu_pct: 1, mem_pct: 1 }, 'splunk'),
      partial('c1', 'api', { net_mbps: 1, disk_iops: 1 }, 'dynatrace'),
      partial('c2', 'api', fullMetrics(), 'splunk'),
    ], fresh);
    expect(joinCounts(samples)).toEqual({ joined: 1, bySource: { splunk: 2, dynatrace: 1 } });
  });

  it('names the reason a value is unusable', () => {
    expect(invalidValueReason('cpu_pct', Number.POSITIVE_INFINITY)).toBe('not_a_number');
    expect(invalidValueReason('cpu_pct', 1001)).toBe('impossible');
    expect(invalidValueReason('cpu_pct', 0)).toBeUndefined();
  });
});
