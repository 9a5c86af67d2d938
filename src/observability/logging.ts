/**
 * The detector's structured logger: Powertools Logger (JSON, one line per
 * event), with `runId` on every line. It writes what it is given: secrets are
 * removed by the redaction boundary (`boundary.ts`) that wraps it where the
 * sinks are wired (`src/runtime/lambda.ts`).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { Log } from '../pipeline/ports';

export const LOGGER_SERVICE_NAME = 'container-anomaly-detector';

/** Powertools Logger behind the pipeline's `Log` port. */
export class StructuredLog implements Log {
  constructor(readonly logger: Logger) {}

  /** Adds `runId` (and any other keys) to every following line. */
  setRunContext(keys: Record<string, string>): void {
    this.logger.appendKeys(keys);
  }

  debug(message: string, extra?: Record<string, unknown>): void {
    this.logger.debug(message, extra ?? {});
  }
  info(message: string, extra?: Record<string, unknown>): void {
    this.logger.info(message, extra ?? {});
  }
  warn(message: string, extra?: Record<string, unknown>): void {
    this.logger.warn(message, extra ?? {});
  }
  error(message: string, extra?: Record<string, unknown>): void {
    this.logger.error(message, extra ?? {});
  }
}

export function createStructuredLog(options: { environment: string; level?: string }): StructuredLog {
  const logger = new Logger({
    serviceName: LOGGER_SERVICE_NAME,
    logLevel: (options.level ?? process.env.POWERTOOLS_LOG_LEVEL ?? 'INFO') as 'INFO',
    persistentKeys: { environment: options.environment },
  });
  return new StructuredLog(logger);
}
