/**
 * Lambda entry point for the scheduled detection run. Wires the pipeline to its
 * adapters; it holds no detection logic.
 */
import type { Context, EventBridgeEvent } from 'aws-lambda';
import { DETECTOR_CONFIG_ENV, parseRuntimeConfig } from '../src/config/runtime-config';
import { parseShard } from '../src/runtime/cycle-options';
import type { RunSummary } from '../src/pipeline/run-cycle';
import type { DetectorRuntime } from '../src/runtime/lambda';

/** A scheduled event, or a fan-out event carrying a shard of the fleet. */
export type DetectEvent = EventBridgeEvent<string, { shard?: { index: number; count: number } } | undefined>;

/** The summary the invocation returns (the archive and logs hold the details). */
export type DetectResult = Pick<RunSummary, 'runId' | 'containers' | 'anomalies' | 'actions' | 'degraded'> & Partial<RunSummary>;

let runtime: Promise<DetectorRuntime> | undefined;

export async function handler(event: DetectEvent, context: Context): Promise<DetectResult> {
  runtime ??= import('../src/runtime/lambda').then(({ createLambdaRuntime }) => createLambdaRuntime(parseRuntimeConfig(process.env[DETECTOR_CONFIG_ENV])));
  const rt = await runtime.catch((e: unknown) => {
    // A failed cold start must not poison every later invocation of this sandbox.
    runtime = undefined;
    throw e;
  });
  return rt.run({
    runKey: event.id,
    deadline: { remainingMs: () => context.getRemainingTimeInMillis() },
    shard: parseShard(event.detail?.shard),
  });
}
