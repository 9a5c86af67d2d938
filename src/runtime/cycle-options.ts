/** Maps the runtime configuration and one invocation to the options of a detection cycle. */
import { randomUUID } from 'node:crypto';
import type { RuntimeConfig } from '../config/runtime-config';
import type { Deadline } from '../core/ports';
import type { CycleOptions, Shard } from '../pipeline/run-cycle';

export interface Invocation {
  /** Idempotency key: the same for a retried invocation (EventBridge event id). */
  runKey: string;
  deadline: Deadline;
  shard?: Shard;
  /** Defaults to a fresh, sortable id. */
  runId?: string;
}

/** A sortable, unique run id: UTC time then a random suffix. */
export function newRunId(now: Date): string {
  return `${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${randomUUID().slice(0, 8)}`;
}

export function cycleOptionsFrom(config: RuntimeConfig, invocation: Invocation, now: Date): CycleOptions {
  return {
    environment: config.environment,
    runId: invocation.runId ?? newRunId(now),
    runKey: invocation.runKey,
    deadline: invocation.deadline,
    lookbackMinutes: config.splunk.lookbackMinutes,
    staleAfterMinutes: config.staleAfterMinutes,
    scaling: {
      services: config.ecs.services.map((s) => ({ ...s, cluster: config.ecs.cluster })),
      step: config.ecs.step,
      criticalStep: config.ecs.criticalStep,
      cooldownMinutes: config.ecs.cooldownMinutes,
    },
    dryRun: config.dryRun,
    suppressionMinutes: config.alerts.suppressionMinutes,
    shard: invocation.shard,
  };
}

/** Validates a shard from an event; a malformed one is an error, never "the whole fleet". */
export function parseShard(value: unknown): Shard | undefined {
  if (value === undefined || value === null) return undefined;
  const s = value as Partial<Shard>;
  if (!Number.isInteger(s.index) || !Number.isInteger(s.count) || s.count! < 1 || s.index! < 0 || s.index! >= s.count!) {
    throw new Error(`invalid shard ${JSON.stringify(value)}: expected {index, count} with 0 ≤ index < count`);
  }
  return { index: s.index!, count: s.count! };
}
