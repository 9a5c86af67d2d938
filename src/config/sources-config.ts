/**
 * The sources part of the detector's runtime configuration (`DETECTOR_CONFIG`):
 * every default already applied by the environment schema, so the Lambda reads
 * exactly what synth validated. zod/mini keeps the bundle small.
 */
import * as z from 'zod/mini';
import { METRIC_NAMES } from '../core/model';

const name = () => z.string().check(z.minLength(1));
const metricKey = z.enum(METRIC_NAMES);

const dynatraceDimensions = z.strictObject({
  container: name(),
  service: z.optional(name()),
  cluster: z.optional(name()),
  containerPattern: z.optional(name()),
});

export const splunkRuntimeSchema = z.strictObject({
  baseUrl: z.url(),
  index: name(),
  spl: name(),
  lookbackMinutes: z.number().check(z.int(), z.minimum(1)),
  authScheme: z.enum(['bearer', 'basic']),
  fields: z.strictObject({
    container: name(),
    service: name(),
    cluster: name(),
    time: name(),
    metrics: z.partialRecord(metricKey, name()),
  }),
});

export const dynatraceRuntimeSchema = z.strictObject({
  environmentUrl: z.url(),
  resolution: name(),
  entitySelector: name(),
  dimensions: dynatraceDimensions,
  metrics: z.partialRecord(metricKey, z.strictObject({ selector: name(), unitScale: z.number().check(z.positive()), dimensions: z.optional(dynatraceDimensions) })),
});

/** Points older than this many minutes are dropped and counted. */
export const staleAfterMinutesSchema = z.number().check(z.int(), z.minimum(1));
