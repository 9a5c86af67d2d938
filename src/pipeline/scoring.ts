/**
 * Scores a batch: the embedded detector always learns from every sample, all
 * of a cycle at once so containers are compared with their peers (it is warm
 * whenever it must stand in, and it explains which metric moved and whether
 * a whole service moved); the remote model, when deployed and healthy, decides.
 */
import { METRIC_NAMES, type Attribution, type ContainerSample, type ContainerScore, type ScorerName } from '../core/model';
import type { Deadline } from '../core/ports';
import type { EmbeddedDetection, EmbeddedDetector, RemoteScorer } from './ports';

export interface BatchScores {
  scores: ContainerScore[];
  scorer: ScorerName;
  /** Why the remote model was not used, when it is configured but failed. */
  fallbackReason?: string;
}

export function toAttribution(d: EmbeddedDetection): Attribution {
  return Object.fromEntries(METRIC_NAMES.map((m, i) => [m, { high: d.attribution.high[i] ?? 0, low: d.attribution.low[i] ?? 0 }])) as Attribution;
}

export function featureVector(sample: ContainerSample): number[] {
  return METRIC_NAMES.map((m) => sample.metrics[m]);
}

export async function scoreBatch(
  samples: readonly ContainerSample[],
  detector: EmbeddedDetector,
  remote: RemoteScorer | undefined,
  deadline: Deadline,
): Promise<BatchScores> {
  const embedded = detector.updateBatch(samples.map((s) => ({ key: s.containerId, group: s.service, timestampMs: Date.parse(s.timestamp), values: featureVector(s) })));
  const fromEmbedded = (): ContainerScore[] =>
    samples.map((s, i) => ({
      containerId: s.containerId,
      score: embedded[i].score,
      threshold: embedded[i].threshold,
      isAnomaly: embedded[i].isAnomaly,
      warmingUp: embedded[i].warmingUp,
      unusual: embedded[i].unusual,
      attribution: toAttribution(embedded[i]),
      frozen: embedded[i].frozen ?? false,
      scorer: 'embedded',
      scope: embedded[i].scope ?? 'container',
    }));
  if (!remote) return { scores: fromEmbedded(), scorer: 'embedded' };
  if (samples.length === 0) return { scores: [], scorer: remote.name };
  try {
    const { scores, threshold } = await remote.score([...samples], deadline);
    if (scores.length !== samples.length) throw new Error(`${remote.name} returned ${scores.length} scores for ${samples.length} samples`);
    return {
      scorer: remote.name,
      scores: samples.map((s, i) => ({
        containerId: s.containerId,
        score: scores[i],
        threshold,
        isAnomaly: scores[i] >= threshold,
        // The remote model was trained on the fleet's history: the embedded models' warm-up says nothing about it,
        // and must not mute it (a fresh embedded state would otherwise silence SageMaker for a day).
        warmingUp: false,
        unusual: scores[i] >= threshold || embedded[i].unusual,
        // Which metric moved, and whether the whole service moved with it, come from the embedded detector.
        attribution: toAttribution(embedded[i]),
        // A frozen feed is the data's, whoever scores it: no scale-out on readings that are not live.
        frozen: embedded[i].frozen ?? false,
        scorer: remote.name,
        scope: embedded[i].scope ?? 'container',
      })),
    };
  } catch (e) {
    return { scores: fromEmbedded(), scorer: 'embedded', fallbackReason: e instanceof Error ? e.message : String(e) };
  }
}
