/**
 * An environment's metric sources: where Splunk and Dynatrace are, and how
 * their rows map onto containers and metrics. The same section, as JSON, is
 * what `npm run check-sources -- --sources file.json` reads. Errors name the
 * field, e.g. `dev.dynatrace.metrics.cpu_pct.selector: …`.
 */
import { z } from 'zod';
import { METRIC_NAMES, type MetricName } from '../src/core/model';
import { splitTopLevel } from '../src/adapters/dynatrace/selectors';
import { DEFAULT_DYNATRACE_DIMENSIONS, DEFAULT_DYNATRACE_METRICS, DEFAULT_SPLUNK_FIELDS } from '../src/config/source-defaults';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** An https URL; plain http only for loopback hosts when `allowLoopbackHttp` (local servers in check-sources). */
export function serviceUrl(allowLoopbackHttp = false) {
  return z
    .string()
    .url('must be a URL')
    .refine((u) => u.startsWith('https://') || (allowLoopbackHttp && u.startsWith('http://') && URL.canParse(u) && LOOPBACK_HOSTS.has(new URL(u).hostname)), 'must use https://');
}

const splunkField = z.string().regex(/^[A-Za-z_][A-Za-z0-9_.]*$/, 'must be a Splunk field name such as container_id');
const dimensionKey = z.string().regex(/^[A-Za-z][A-Za-z0-9_.:-]*$/, 'must be a dimension key such as dt.entity.container_group_instance.name');
const metricKey = z.enum(METRIC_NAMES);

/** A valid regular expression with at least one capture group (`p|` always matches '' and yields one slot per group). */
const regex = z.string().refine((p) => {
  try {
    return new RegExp(`${p}|`).exec('')!.length > 1;
  } catch {
    return false;
  }
}, 'must be a regular expression with a capture group');

const dimensions = z.strictObject({
  /** Dimension whose value is the container id other sources use; `….name` needs `:names` on the selector. */
  container: dimensionKey,
  service: dimensionKey.optional(),
  cluster: dimensionKey.optional(),
  containerPattern: regex.optional(),
});

const dynatraceMetric = z.strictObject({
  /** One metric selector; the collector sends all of them in one comma-separated request. */
  selector: z.string().min(1),
  unitScale: z.number().positive().default(1),
  dimensions: dimensions.optional(),
});

export function sourcesShape(allowLoopbackHttp = false) {
  return {
    splunk: z.strictObject({
      baseUrl: serviceUrl(allowLoopbackHttp),
      index: z.string().min(1).default('container_metrics'),
      /** Search string; defaults to per-container averages from `index`, filtered to the environment's cluster. */
      spl: z.string().min(1).optional(),
      lookbackMinutes: z.number().int().min(1).max(1440).default(10),
      authScheme: z.enum(['bearer', 'basic']).default('bearer'),
      /** Result field names; the defaults are what the default SPL produces. */
      fields: z
        .strictObject({
          container: splunkField.default(DEFAULT_SPLUNK_FIELDS.container),
          service: splunkField.default(DEFAULT_SPLUNK_FIELDS.service),
          cluster: splunkField.default(DEFAULT_SPLUNK_FIELDS.cluster),
          time: splunkField.default(DEFAULT_SPLUNK_FIELDS.time),
          /** Metric → field; a metric left out is not read from Splunk. */
          metrics: z.partialRecord(metricKey, splunkField).default(DEFAULT_SPLUNK_FIELDS.metrics),
        })
        .default(DEFAULT_SPLUNK_FIELDS),
    }),
    dynatrace: z.strictObject({
      environmentUrl: serviceUrl(allowLoopbackHttp),
      resolution: z.string().regex(/^\d+[smhd]$/, 'must be a resolution such as 1m').default('1m'),
      /** Defaults to container group instances tagged with the environment's cluster. */
      entitySelector: z.string().min(1).optional(),
      dimensions: dimensions.default(DEFAULT_DYNATRACE_DIMENSIONS),
      /** Metric → selector; a metric left out is not read from Dynatrace. */
      metrics: z.partialRecord(metricKey, dynatraceMetric).default(DEFAULT_DYNATRACE_METRICS),
    }),
    /** Points older than this are dropped (and counted) rather than scored. */
    staleAfterMinutes: z.number().int().min(1).default(10),
  };
}

/** A sources section after validation, every default applied. */
export type SourcesConfig = z.output<z.ZodObject<ReturnType<typeof sourcesShape>>>;

/** Cross-field rules: every metric has a source, `.name` dimensions are asked for, staleness fits the window. */
export function checkSources(s: SourcesConfig, ctx: z.RefinementCtx): void {
  for (const metric of METRIC_NAMES) {
    if (s.splunk.fields.metrics[metric] === undefined && s.dynatrace.metrics[metric] === undefined) {
      ctx.addIssue({ code: 'custom', path: ['dynatrace', 'metrics', metric], message: `no source reads ${metric}: map it in splunk.fields.metrics or dynatrace.metrics` });
    }
  }
  for (const [metric, m] of Object.entries(s.dynatrace.metrics) as Array<[MetricName, NonNullable<SourcesConfig['dynatrace']['metrics'][MetricName]>]>) {
    const path = ['dynatrace', 'metrics', metric, 'selector'];
    if (splitTopLevel(m.selector, ',').length > 1) ctx.addIssue({ code: 'custom', path, message: 'must be one selector (the collector joins them with commas)' });
    const dims = m.dimensions ?? s.dynatrace.dimensions;
    const named = [dims.container, dims.service, dims.cluster].find((d) => d?.endsWith('.name'));
    if (named && !/:names\b/.test(m.selector)) {
      ctx.addIssue({ code: 'custom', path, message: `must end with :names, or Dynatrace does not return the dimension ${named}` });
    }
  }
  if (s.staleAfterMinutes > s.splunk.lookbackMinutes) {
    ctx.addIssue({ code: 'custom', path: ['staleAfterMinutes'], message: 'must not exceed splunk.lookbackMinutes (older points are outside the window anyway)' });
  }
}

/** A sources section on its own (check-sources' `--sources` file): loopback http allowed for local servers. */
export const sourcesFileSchema = z.strictObject(sourcesShape(true)).superRefine(checkSources);
