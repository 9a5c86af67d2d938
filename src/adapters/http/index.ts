/**
 * HTTP plumbing shared by the Splunk and Dynatrace collectors: timeouts drawn
 * from the run's deadline, and the "credential rejected → re-read from Vault →
 * retry once" rule that makes a rotated secret take effect in the same run.
 */
import type { Deadline, SecretProvider, VersionedSecret } from '../../core/ports';

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;
export const defaultFetch: FetchLike = (input, init) => fetch(input, init);

/** The service refused the credential (401/403). */
export class AuthRejectedError extends Error {
  constructor(readonly service: string, readonly status: number) {
    super(`${service} rejected the credential (${status})`);
    this.name = 'AuthRejectedError';
  }
}

export class DeadlineExceededError extends Error {
  constructor(what: string) {
    super(`no time left in this run for ${what}`);
    this.name = 'DeadlineExceededError';
  }
}

/** Time kept back for archiving and acting after the last call returns. */
export const SAFETY_MARGIN_MS = 2000;
const MIN_USEFUL_MS = 250;

/** A request timeout: at most `maxMs`, and never past the run's deadline. */
export function requestTimeoutMs(deadline: Deadline, maxMs: number, what: string): number {
  const available = deadline.remainingMs() - SAFETY_MARGIN_MS;
  if (available < MIN_USEFUL_MS) throw new DeadlineExceededError(what);
  return Math.min(maxMs, available);
}

/**
 * The signal for one request: aborted when the request's own timeout passes
 * (from the deadline, as {@link requestTimeoutMs}) or when `outer` aborts
 * (the collection gave up), whichever comes first.
 */
export function requestSignal(deadline: Deadline, maxMs: number, what: string, outer?: AbortSignal): AbortSignal {
  outer?.throwIfAborted();
  // AbortSignal.timeout takes whole milliseconds; deadlines drawn from performance.now() are fractional.
  const timeout = AbortSignal.timeout(Math.floor(requestTimeoutMs(deadline, maxMs, what)));
  return outer ? AbortSignal.any([outer, timeout]) : timeout;
}

/** The server's clock minus ours, from its `Date` header (1 s resolution); undefined without one. */
export function clockSkewMs(headers: Headers, nowMs: number): number | undefined {
  const sent = Date.parse(headers.get('date') ?? '');
  // Compare whole seconds: the header has no milliseconds, so a synced clock reads 0.
  return Number.isFinite(sent) ? sent - Math.floor(nowMs / 1000) * 1000 : undefined;
}

/**
 * Runs `call` with the cached secret; when the service rejects it, drops the
 * cache, reads the (possibly rotated) secret again and retries once.
 */
export async function withCredentialRetry<T>(
  secrets: SecretProvider,
  path: string,
  call: (secret: VersionedSecret) => Promise<T>,
): Promise<{ value: T; secret: VersionedSecret; recovered: boolean }> {
  const first = await secrets.get(path);
  try {
    return { value: await call(first), secret: first, recovered: false };
  } catch (e) {
    if (!(e instanceof AuthRejectedError)) throw e;
    secrets.invalidate(path);
    const second = await secrets.get(path);
    try {
      return { value: await call(second), secret: second, recovered: true };
    } catch (again) {
      if (again instanceof AuthRejectedError) {
        throw new AuthRejectedError(`${again.service} (credential ${path} version ${second.version}, re-read after a first refusal)`, again.status);
      }
      throw again;
    }
  }
}

/** Reads a response body as text lines as they arrive, without buffering the whole body. */
export async function* readLines(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let pending = '';
  const reader = body.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      pending += decoder.decode(value, { stream: true });
      let newline = pending.indexOf('\n');
      while (newline >= 0) {
        const line = pending.slice(0, newline).trim();
        pending = pending.slice(newline + 1);
        if (line) yield line;
        newline = pending.indexOf('\n');
      }
    }
    pending += decoder.decode();
    if (pending.trim()) yield pending.trim();
  } finally {
    reader.releaseLock();
  }
}
