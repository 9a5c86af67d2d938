/**
 * The redaction boundary: decorators for every port through which the
 * detector writes something out — logs, the archive bucket, alerts, the
 * summary the handler returns (to a synchronous caller or an on-success
 * destination), and the error a failed run throws to the Lambda runtime
 * (which logs it and, for an asynchronous invocation, puts its message on the
 * dead-letter queue). The composition root wraps each sink once; whatever the
 * code behind a sink does, what leaves the process has been through the redactor.
 *
 * @example
 * const boundary = new RedactionBoundary(processRedactor);
 * const deps = { log: boundary.log(structuredLog), store: boundary.store(s3Store), alerter: boundary.alerter(sns), ... };
 * try { return boundary.returned(await runCycle(deps, options)); } catch (e) { throw boundary.thrown(e, options.runId); }
 */
import type { Alerter, AlertMessage, Log, ObjectStore, StoredObject, WriteCondition } from '../pipeline/ports';
import { excerpt, processRedactor, type SecretRedactor } from './redaction';
import { redactGzipLines } from './redact-gzip';

/** The sinks the boundary guards; a test can leave one unwrapped to prove the boundary is what protects it. */
export type Sink = 'log' | 'store' | 'alerter' | 'returned' | 'thrown';

export interface SinkBoundary {
  log(inner: Log): Log;
  store(inner: ObjectStore): ObjectStore;
  alerter(inner: Alerter): Alerter;
  /** A copy of what the handler returns, redacted. */
  returned<T>(value: T): T;
  /** The error to throw out of the handler for a failed run. */
  thrown(error: unknown, runId: string): Error;
}

/** What the handler throws: the run id and a redacted message, nothing else (no cause, no upstream body). */
export class DetectorRunError extends Error {
  constructor(
    readonly runId: string,
    message: string,
    name: string,
  ) {
    super(message);
    this.name = name;
  }
}

/** The Lambda runtime sends the first 1 KB of the message to the dead-letter queue; keep it whole below that. */
const THROWN_MESSAGE_LIMIT = 900;
const TEXT_TYPES = /^(text\/|application\/(json|x-ndjson|xml|x-www-form-urlencoded))/;

export class RedactionBoundary implements SinkBoundary {
  constructor(readonly redactor: SecretRedactor = processRedactor) {}

  log(inner: Log): Log {
    const r = this.redactor;
    const clean = (extra?: Record<string, unknown>) => (extra ? r.redact(extra) : undefined);
    return {
      debug: (m, extra) => inner.debug(r.redactText(m), clean(extra)),
      info: (m, extra) => inner.info(r.redactText(m), clean(extra)),
      warn: (m, extra) => inner.warn(r.redactText(m), clean(extra)),
      error: (m, extra) => inner.error(r.redactText(m), clean(extra)),
    };
  }

  /**
   * Objects are redacted by content: gzip text (the NDJSON archive) line by line, so
   * the 10,000-container archive never exists as one string; text whole; anything
   * else (the detector state) masked byte for byte. Reads pass through.
   */
  store(inner: ObjectStore): ObjectStore {
    return {
      get: (key: string): Promise<StoredObject | undefined> => inner.get(key),
      put: async (key: string, body: Uint8Array, options?: { condition?: WriteCondition; contentType?: string; contentEncoding?: string }) =>
        inner.put(key, await this.redactObject(body, options?.contentType, options?.contentEncoding), options),
    };
  }

  alerter(inner: Alerter): Alerter {
    const r = this.redactor;
    return {
      publish: (message: AlertMessage) =>
        inner.publish({
          subject: r.redactText(message.subject),
          // The body is JSON text: the redactor knows every secret's JSON-escaped form and its shapes stop at quotes.
          body: r.redactText(message.body),
          attributes: { ...message.attributes, environment: r.redactText(message.attributes.environment) },
        }),
    };
  }

  returned<T>(value: T): T {
    return this.redactor.redact(value);
  }

  thrown(error: unknown, runId: string): Error {
    const name = error instanceof Error ? this.redactor.redactText(error.name) : 'Error';
    const text = error instanceof Error ? error.message : String(error);
    return new DetectorRunError(runId, `run ${runId} failed: ${excerpt(this.redactor.redactText(text), THROWN_MESSAGE_LIMIT)}`, name);
  }

  private async redactObject(body: Uint8Array, contentType = '', contentEncoding = ''): Promise<Uint8Array> {
    const text = contentType === '' || TEXT_TYPES.test(contentType);
    if (contentEncoding === 'gzip' && text) return redactGzipLines(body, (lines) => this.redactor.redactText(lines));
    if (contentEncoding !== 'gzip' && TEXT_TYPES.test(contentType)) {
      const decoded = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
      const clean = this.redactor.redactText(decoded);
      return clean === decoded ? body : Buffer.from(clean, 'utf8');
    }
    return this.redactor.redactBytes(body);
  }
}
