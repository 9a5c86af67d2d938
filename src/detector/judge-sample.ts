/**
 * Stages 2–4 for one sample, once its features are known (fleet.ts): the
 * forest's score and each metric's tail of values (peaks.ts), calibration
 * (calibration.ts), the decision and its attribution (detection.ts); then,
 * for an in-order sample, what the key and its forest learn from it.
 */
import type { DetectorOptions } from './defaults';
import { foldAttribution, forestShare, isUnusual, keyProbability, riskPerSample, samplesPerLook, withTail, type Detection, type DetectionScope, type DetectorInput } from './detection';
import { leadingMetric } from './episodes';
import type { RandomCutForest } from './forest';
import type { KeyModel } from './key-model';
import type { Residuals } from './seasonality';
import type { SharedPart } from './shared-part';
import type { Judged } from './shared-events';
import type { Arrival } from './time';

/** One sample on its way through the stages. */
export interface InFlight {
  input: DetectorInput;
  model: KeyModel;
  arrival: Arrival;
  /** Residuals against the key's own baseline. */
  residuals: Residuals;
  /** Positions against the key's long-run level. */
  positions: Residuals;
}

/**
 * Judges `f` at forest `point` (its features with any shared shift taken
 * out). `shared` is the shift the key adopts this round; `sharedMetrics` are
 * the metrics whose shift the key shares with its peers: their tails are the
 * shared event's evidence, not the container's.
 */
export function judgeSample(f: InFlight, forest: RandomCutForest, point: Float32Array, scope: DetectionScope, o: DetectorOptions, shared?: SharedPart, sharedMetrics?: Float64Array): Judged {
  const { model, input } = f;
  const t = input.timestampMs;
  const risk = riskPerSample(o, model.stepMs);
  const perLook = samplesPerLook(o, model.stepMs);
  const inOrder = f.arrival === 'in-order';
  const { probability: tails, judged, runs } = model.tails(input.values, t, o, inOrder);
  const ownTails = tails.map((p, d) => (sharedMetrics && sharedMetrics[d] !== 0 ? 1 : p));
  const ownTail = Math.min(...ownTails);
  const warmingUp = model.samples === 0 || t < model.warmupEndsAtMs(t, o);
  // A late or duplicate sample adds its score as if one step had passed, to an average it then leaves as it was.
  const elapsed = inOrder ? model.elapsedTo(t) : model.stepMs;
  // Evidence that recurs at this hour (a nightly job's start) is expected here.
  const excess = model.calibrator.excess(t);
  const threshold = model.calibrator.threshold(forestShare(risk, judged), excess);
  // A shared shift is also judged on the key's own residuals (before this sample is learned): is it an event, and what its hour learns.
  const rawEvidence = scope === 'container' || warmingUp ? undefined : model.calibrator.evidence(forest.score(model.point(model.decoupled(f.residuals.z, o), f.positions.z)).score, elapsed, o.evidenceHalfLifeMs);
  const raw: Judged['raw'] = rawEvidence === undefined ? undefined : { score: rawEvidence, probability: keyProbability(model.calibrator.probability(rawEvidence, excess), Math.min(...tails), judged, perLook).probability, threshold };
  const scored = inOrder ? forest.scoreAndUpdate(point, t) : forest.score(point);
  const evidence = model.calibrator.evidence(scored.score, elapsed, o.evidenceHalfLifeMs);
  const { probability, byTail } = keyProbability(model.calibrator.probability(evidence, excess), ownTail, judged, perLook);
  const attribution = withTail(foldAttribution(scored.high, scored.low, o.dimensions), ownTails, byTail);
  const unusual = isUnusual(probability, risk, warmingUp);
  // A tail-decided verdict scores the evidence the forest would need for its probability (floored at risk²): the ratio grades both alike.
  const score = byTail && unusual ? model.calibrator.threshold(forestShare(Math.max(probability, risk * risk), judged), excess) : evidence;
  const lead = leadingMetric(attribution);
  const isAnomaly = model.episodes.news(lead, t, unusual, score / threshold, inOrder, o);
  // The leading metric's run of one value alone makes the sample unusual: what it shows is not live (another metric's lead is still news).
  const frozen = isUnusual(keyProbability(1, runs[lead], judged, perLook).probability, risk, warmingUp);
  if (inOrder) {
    model.calibrator.learn(evidence, model.weight(t, o.calibrationHalfLifeMs), isAnomaly ? threshold : undefined);
    model.calibrator.learnHour(rawEvidence ?? evidence, t);
    if (shared) model.adoptShared(shared, t);
    model.learn(input.values, t, f.residuals.z, point, o);
  }
  const detection: Detection = {
    score,
    threshold,
    isAnomaly,
    warmingUp,
    unusual,
    frozen,
    attribution,
    scope: isAnomaly ? 'container' : scope,
    probability,
    arrival: f.arrival,
    warmupEndsAtMs: model.warmupEndsAtMs(t, o),
  };
  return { detection, raw, adopted: shared !== undefined && shared.level.some((x) => x !== 0) };
}
