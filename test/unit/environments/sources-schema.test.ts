import dev from '../../../environments/dev';
import { parseEnvironment, type EnvironmentInput } from '../../../environments/schema';
import { sourcesFileSchema } from '../../../environments/sources-schema';
import { toRuntimeConfig } from '../../../src/config/from-environment';
import { parseRuntimeConfig } from '../../../src/config/runtime-config';
import { DEFAULT_DYNATRACE_METRICS } from '../../../src/config/source-defaults';

/** The dev environment as written: its cluster is apps-dev, its index ecs_metrics_dev. */
const valid: EnvironmentInput = dev;

describe('sources section of an environment', () => {
  it('defaults the mapping to what the default SPL and the built-in container metrics produce', () => {
    const env = parseEnvironment(valid, 'dev');
    expect(env.splunk.fields).toEqual({ container: 'container_id', service: 'service', cluster: 'cluster', time: '_time', metrics: { cpu_pct: 'cpu_pct', mem_pct: 'mem_pct', net_mbps: 'net_mbps', disk_iops: 'disk_iops' } });
    expect(env.dynatrace.dimensions).toEqual({ container: 'dt.entity.container_group_instance.name' });
    expect(env.dynatrace.metrics).toEqual(DEFAULT_DYNATRACE_METRICS);
    expect(env.staleAfterMinutes).toBe(10);
  });

  // #16: another cluster's containers scaled this one's services; the default searches did not filter by cluster.
  it('filters the default search and entity selector to the environment’s cluster', () => {
    const runtime = parseRuntimeConfig(JSON.stringify(toRuntimeConfig(parseEnvironment(valid, 'dev'), { archiveBucket: 'b', alertTopicArn: 't' })));
    expect(runtime.splunk.spl).toBe(
      'search index=ecs_metrics_dev sourcetype=ecs:container:metrics cluster="apps-dev" | stats avg(cpu_pct) AS cpu_pct avg(mem_pct) AS mem_pct avg(net_mbps) AS net_mbps avg(disk_iops) AS disk_iops latest(_time) AS _time BY container_id service cluster',
    );
    expect(runtime.dynatrace.entitySelector).toBe('type(CONTAINER_GROUP_INSTANCE),tag("aws.ecs.cluster:apps-dev")');
  });

  // Bug: the schema required all four Dynatrace selectors, so a tenant lacking one could not be configured.
  it('accepts a metric from one source only', () => {
    const env = parseEnvironment({ ...valid, dynatrace: { ...valid.dynatrace, metrics: { cpu_pct: DEFAULT_DYNATRACE_METRICS.cpu_pct } } }, 'dev');
    expect(Object.keys(env.dynatrace.metrics)).toEqual(['cpu_pct']);
  });

  it('builds the default SPL from the field map', () => {
    const env = parseEnvironment({ ...valid, splunk: { ...valid.splunk, fields: { container: 'cid', cluster: 'ecs_cluster', metrics: { cpu_pct: 'cpu' } } } }, 'dev');
    const runtime = toRuntimeConfig(env, { archiveBucket: 'b', alertTopicArn: 't' });
    expect(runtime.splunk.spl).toBe('search index=ecs_metrics_dev sourcetype=ecs:container:metrics ecs_cluster="apps-dev" | stats avg(cpu) AS cpu latest(_time) AS _time BY cid service ecs_cluster');
  });

  it.each<[string, (e: EnvironmentInput) => EnvironmentInput, string]>([
    ['a metric no source reads', (e) => ({ ...e, splunk: { ...e.splunk, fields: { metrics: { cpu_pct: 'cpu', mem_pct: 'mem', net_mbps: 'net' } } }, dynatrace: { ...e.dynatrace, metrics: { cpu_pct: DEFAULT_DYNATRACE_METRICS.cpu_pct } } }), 'dev.dynatrace.metrics.disk_iops: no source reads disk_iops: map it in splunk.fields.metrics or dynatrace.metrics'],
    ['a .name dimension without :names', (e) => ({ ...e, dynatrace: { ...e.dynatrace, metrics: { cpu_pct: { selector: 'builtin:containers.cpu.usagePercent' } } } }), 'dev.dynatrace.metrics.cpu_pct.selector: must end with :names, or Dynatrace does not return the dimension dt.entity.container_group_instance.name'],
    ['a selector list where one selector belongs', (e) => ({ ...e, dynatrace: { ...e.dynatrace, metrics: { cpu_pct: { selector: 'a:names,b:names' } } } }), 'dev.dynatrace.metrics.cpu_pct.selector: must be one selector (the collector joins them with commas)'],
    ['a container pattern without a group', (e) => ({ ...e, dynatrace: { ...e.dynatrace, dimensions: { container: 'dt.entity.container_group_instance.name', containerPattern: 'api-\\d+' } } }), 'dev.dynatrace.dimensions.containerPattern: must be a regular expression with a capture group'],
    ['a Splunk field with a space', (e) => ({ ...e, splunk: { ...e.splunk, fields: { container: 'container id' } } }), 'dev.splunk.fields.container: must be a Splunk field name such as container_id'],
    ['an unknown metric name', (e) => ({ ...e, splunk: { ...e.splunk, fields: { metrics: { cpu: 'cpu' } as never } } }), 'dev.splunk.fields.metrics: Unrecognized key: "cpu"'],
    ['a staleness bound beyond the window', (e) => ({ ...e, staleAfterMinutes: 30 }), 'dev.staleAfterMinutes: must not exceed splunk.lookbackMinutes (older points are outside the window anyway)'],
    ['plain http', (e) => ({ ...e, splunk: { ...e.splunk, baseUrl: 'http://127.0.0.1:8089' } }), 'dev.splunk.baseUrl: must use https://'],
  ])('rejects %s, naming the field', (_label, change, problem) => {
    expect(() => parseEnvironment(change(structuredClone(valid)), 'dev')).toThrow(problem);
  });

  it('accepts http only to loopback hosts in a check-sources file', () => {
    const file = { splunk: { baseUrl: 'http://127.0.0.1:8089' }, dynatrace: { environmentUrl: 'http://localhost:9000' } };
    expect(sourcesFileSchema.safeParse(file).success).toBe(true);
    expect(sourcesFileSchema.safeParse({ ...file, splunk: { baseUrl: 'http://splunk.example.com:8089' } }).success).toBe(false);
    expect(sourcesFileSchema.safeParse({ ...file, splunk: { baseUrl: 'http://not a url' } }).success).toBe(false);
  });
});
