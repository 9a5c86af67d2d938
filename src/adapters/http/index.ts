/**
 * HTTP plumbing shared by the Splunk and Dynatrace collectors: timeouts drawn
 * from the run's deadline, and the "credential rejected → re-read from Vault →
 * retry once" rule that makes a rotated secret take effect in the same run.
 */
import type { Deadline, SecretProvider, VersionedSecret } from '../../core/ports';
import { excerpt, processRedactor, type SecretRedactor } from '../../observability/redaction';

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

/** Most of an error body read: enough for any message, bounded for a gateway that streams a whole page. */
const ERROR_BODY_READ_LIMIT = 64 * 1024;
/** Characters of an upstream error kept in the error message. */
const ERROR_EXCERPT_LIMIT = 160;

/** An upstream error answer, read once and redacted whole. */
export interface ErrorBody {
  status: number;
  contentType: string;
  /** The (bounded) body with every secret removed; never put it in a message whole: use {@link describeErrorBody}. */
  text: string;
}

/**
 * Reads at most 64 KiB of an error response and redacts it before anything can
 * cut it: a token cut in half is no longer recognisable. A secret straddling the
 * read limit is dropped with the last word.
 */
export async function readErrorBody(res: Response, redactor: SecretRedactor = processRedactor): Promise<ErrorBody> {
  const contentType = (res.headers.get('content-type') ?? 'no content type').split(';')[0].trim();
  let raw = '';
  if (res.body) {
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        raw += decoder.decode(value, { stream: true });
        if (raw.length >= ERROR_BODY_READ_LIMIT) {
          // Cut here, the last word may be the start of a secret: drop it rather than show it.
          raw = raw.slice(0, ERROR_BODY_READ_LIMIT).replace(/\S*$/, '');
          break;
        }
      }
    } finally {
      await reader.cancel().catch(() => undefined);
    }
  }
  return { status: res.status, contentType, text: redactor.redactText(raw) };
}

/**
 * What an error message says about an upstream failure, `(status): excerpt [content type]`:
 * a short excerpt — of `detail` (the vendor's own message, when the caller
 * parsed one) or of the body — redacted before it is cut.
 */
export function describeErrorBody(body: ErrorBody, detail?: string, redactor: SecretRedactor = processRedactor): string {
  const shown = upstreamExcerpt(detail ?? body.text, redactor);
  return `(${body.status}): ${shown || 'empty body'} [${body.contentType}]`;
}

/** A short piece of upstream text fit for an error message: redacted whole, then cut. */
export function upstreamExcerpt(text: string, redactor: SecretRedactor = processRedactor): string {
  return excerpt(redactor.redactText(text), ERROR_EXCERPT_LIMIT);
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
