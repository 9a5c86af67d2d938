import { createSourcesFrom } from '../../../src/runtime/sources';
import { DEFAULT_DYNATRACE_DIMENSIONS, DEFAULT_DYNATRACE_METRICS, DEFAULT_SPLUNK_FIELDS } from '../../../src/config/source-defaults';
import { RotatingSecrets } from '../../support/secrets';

const splunk = { baseUrl: 'https://splunk.example.com:8089', index: 'i', spl: 'search index=i', lookbackMinutes: 10, authScheme: 'bearer' as const, fields: DEFAULT_SPLUNK_FIELDS };
const dynatrace = { environmentUrl: 'https://abc.live.dynatrace.com', resolution: '1m', entitySelector: 'type(CONTAINER_GROUP_INSTANCE)', dimensions: DEFAULT_DYNATRACE_DIMENSIONS, metrics: DEFAULT_DYNATRACE_METRICS };
const paths = { splunk: 's', dynatrace: 'd' };

describe('createSourcesFrom', () => {
  it('asks both sources with the default mapping', () => {
    expect(createSourcesFrom({ splunk, dynatrace }, paths, new RotatingSecrets({})).map((s) => s.name)).toEqual(['splunk', 'dynatrace']);
  });

  // Bug: the runtime config could not set the dimensions; the collector always keyed by the entity id.
  it('hands the configured dimension map to the Dynatrace collector', async () => {
    const dimensions = { container: 'dt.entity.container_group_instance.name', containerPattern: '^ecs-(.+)$' };
    const body = { totalCount: 1, nextPageKey: null, resolution: '1m', result: [{ metricId: 'm:names', data: [{ dimensions: [], dimensionMap: { 'dt.entity.container_group_instance.name': 'ecs-api-1' }, timestamps: [Date.parse('2026-11-24T09:59:00Z')], values: [3] }] }] };
    const [, source] = createSourcesFrom(
      { splunk, dynatrace: { ...dynatrace, dimensions, metrics: { cpu_pct: { selector: 'm:names', unitScale: 1 } } } },
      paths,
      new RotatingSecrets({ d: { apiToken: 'dt0c01.x' } }),
      async () => new Response(JSON.stringify(body)),
    );
    const batch = await source.collect({ earliest: new Date('2026-11-24T09:50:00Z'), latest: new Date('2026-11-24T10:00:00Z') }, { remainingMs: () => 60_000 });
    expect(batch.samples.map((s) => s.containerId)).toEqual(['api-1']);
  });

  it('does not ask Dynatrace when no metric is mapped to it (an empty selector list is a 400)', () => {
    expect(createSourcesFrom({ splunk, dynatrace: { ...dynatrace, metrics: {} } }, paths, new RotatingSecrets({})).map((s) => s.name)).toEqual(['splunk']);
  });
});
