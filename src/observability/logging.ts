/**
 * The detector's structured logger: Powertools Logger (JSON, one line per
 * event), with `runId` on every line and secrets redacted before anything is
 * written.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { Log } from '../pipeline/ports';
import { processRedactor, type SecretRedactor } from './redaction';

export const LOGGER_SERVICE_NAME = 'container-anomaly-detector';

export class RedactingLog implements Log {
  constructor(
    readonly logger: Logger,
    private readonly redactor: SecretRedactor = processRedactor,
  ) {}

  /** Adds `runId` (and any other keys) to every following line. */
  setRunContext(keys: Record<string, string>): void {
    this.logger.appendKeys(this.redactor.redact(keys));
  }

  debug(message: string, extra?: Record<string, unknown>): void {
    this.logger.debug(this.redactor.redactText(message), this.clean(extra));
  }
  info(message: string, extra?: Record<string, unknown>): void {
    this.logger.info(this.redactor.redactText(message), this.clean(extra));
  }
  warn(message: string, extra?: Record<string, unknown>): void {
    this.logger.warn(this.redactor.redactText(message), this.clean(extra));
  }
  error(message: string, extra?: Record<string, unknown>): void {
    this.logger.error(this.redactor.redactText(message), this.clean(extra));
  }

  private clean(extra?: Record<string, unknown>): Record<string, unknown> {
    return extra ? this.redactor.redact(extra) : {};
  }
}

export function createLog(options: { environment: string; level?: string; redactor?: SecretRedactor }): RedactingLog {
  const logger = new Logger({
    serviceName: LOGGER_SERVICE_NAME,
    logLevel: (options.level ?? process.env.POWERTOOLS_LOG_LEVEL ?? 'INFO') as 'INFO',
    persistentKeys: { environment: options.environment },
  });
  return new RedactingLog(logger, options.redactor);
}
