/** Exponential backoff with jitter that never sleeps past the run's deadline. */
import type { Deadline } from '../core/ports';

export interface RetryOptions {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs?: number;
  deadline: Deadline;
  /** Only these errors are retried; others are thrown at once. */
  retryable: (error: unknown) => boolean;
  /** Jitter source, injectable so tests are deterministic. */
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function withRetry<T>(fn: (attempt: number) => Promise<T>, o: RetryOptions): Promise<T> {
  const random = o.random ?? Math.random;
  const wait = o.sleep ?? sleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (e) {
      if (attempt >= o.attempts || !o.retryable(e)) throw e;
      const delay = Math.min(o.maxDelayMs ?? 10_000, o.baseDelayMs * 2 ** (attempt - 1)) * (0.5 + random() / 2);
      // Leave time to do something useful with the answer; otherwise give up now.
      if (delay + 1000 > o.deadline.remainingMs()) throw e;
      await wait(delay);
    }
  }
}
