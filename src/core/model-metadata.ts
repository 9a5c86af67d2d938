/**
 * The metadata file written next to a trained model artifact by `npm run train`
 * and read by the SageMaker scorer: how to turn a sample into the CSV row the
 * model was trained on, and where its anomaly threshold lies.
 */
import { z } from 'zod';
import { METRIC_NAMES } from './model';

export const modelMetadataSchema = z.strictObject({
  /** Feature order of the CSV columns the model was trained with. */
  featureOrder: z.array(z.enum(METRIC_NAMES)).min(1),
  /** Per-feature standardisation applied before training: (x - mean) / std. */
  scaling: z.strictObject({ mean: z.array(z.number()), std: z.array(z.number().positive()) }),
  /** Statistics of the model's scores on its training set. */
  scoreStats: z.strictObject({ mean: z.number(), std: z.number().nonnegative(), p99: z.number(), p999: z.number() }),
  /** A score at or above this is an anomaly. */
  threshold: z.number().positive(),
  trainingJobName: z.string().min(1),
  trainedAt: z.string().datetime(),
  hyperparameters: z.record(z.string(), z.string()),
});

export type ModelMetadata = z.output<typeof modelMetadataSchema>;
