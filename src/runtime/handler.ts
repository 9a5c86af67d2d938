/**
 * The Lambda handler around a runtime: one runtime per sandbox (a failed cold
 * start is retried on the next invocation), and the redaction boundary on
 * everything thrown. Kept apart from `handlers/detect.ts` so the canary test
 * runs this exact code with a boundary of its choosing.
 */
import type { Context, EventBridgeEvent } from 'aws-lambda';
import type { RunSummary } from '../pipeline/run-cycle';
import type { SinkBoundary } from '../observability/boundary';
import { newRunId, parseShard, type Invocation } from './cycle-options';

/** A scheduled event, or a fan-out event carrying a shard of the fleet. */
export type DetectEvent = EventBridgeEvent<string, { shard?: { index: number; count: number } } | undefined>;

/** The summary the invocation returns (the archive and logs hold the details). */
export type DetectResult = Pick<RunSummary, 'runId' | 'containers' | 'anomalies' | 'actions' | 'degraded'> & Partial<RunSummary>;

export interface DetectorRuntime {
  /** The boundary the runtime wrapped its sinks with: the handler puts its result and errors through the same one. */
  readonly boundary: SinkBoundary;
  run(invocation: Invocation): Promise<RunSummary>;
}

export type DetectHandler = (event: DetectEvent, context: Pick<Context, 'getRemainingTimeInMillis'>) => Promise<DetectResult>;

/**
 * The summary returned passes the redaction boundary like every other sink.
 * Whatever fails — the cold start, the event, the run — the error that leaves
 * carries the run id and a redacted message only: the Lambda runtime logs it
 * and copies its message to the dead-letter queue. Details are in the run's
 * (redacted) log, under the same run id.
 */
export function createHandler(createRuntime: () => Promise<DetectorRuntime>, coldStartBoundary: SinkBoundary): DetectHandler {
  let runtime: Promise<DetectorRuntime> | undefined;
  return async (event, context) => {
    const runId = newRunId(new Date());
    // Until a runtime exists, its errors go through the cold-start boundary; after, through the runtime's own,
    // which knows every secret the runtime read (whatever module instances a loader gives each side).
    let boundary = coldStartBoundary;
    try {
      runtime ??= createRuntime();
      const rt = await runtime.catch((e: unknown) => {
        // A failed cold start must not poison every later invocation of this sandbox.
        runtime = undefined;
        throw e;
      });
      boundary = rt.boundary;
      const summary = await rt.run({
        runKey: event.id,
        runId,
        deadline: { remainingMs: () => context.getRemainingTimeInMillis() },
        shard: parseShard(event.detail?.shard),
      });
      return boundary.returned(summary);
    } catch (e) {
      throw boundary.thrown(e, runId);
    }
  };
}
