/**
 * The metadata file written next to a trained model artifact by `npm run train`
 * and read by the SageMaker scorer: how to turn a sample into the CSV row the
 * model was trained on, and where its anomaly threshold lies.
 */
import * as z from 'zod/mini';
import { METRIC_NAMES } from './model';

export const modelMetadataSchema = z.strictObject({
  /** Feature order of the CSV columns the model was trained with. */
  featureOrder: z.array(z.enum(METRIC_NAMES)).check(z.minLength(1)),
  /** Per-feature standardisation applied before training: (x - mean) / std. */
  scaling: z.strictObject({ mean: z.array(z.number()), std: z.array(z.number().check(z.positive())) }),
  /** Statistics of the model's scores on its training set. */
  scoreStats: z.strictObject({ mean: z.number(), std: z.number().check(z.nonnegative()), p99: z.number(), p999: z.number() }),
  /** A score at or above this is an anomaly. */
  threshold: z.number().check(z.positive()),
  trainingJobName: z.string().check(z.minLength(1)),
  trainedAt: z.iso.datetime(),
  hyperparameters: z.record(z.string(), z.string()),
});

export type ModelMetadata = z.output<typeof modelMetadataSchema>;
