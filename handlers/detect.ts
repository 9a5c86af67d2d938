/**
 * Lambda entry point for the scheduled detection run. Wires the pipeline to its
 * adapters; it holds no detection logic. The runtime (AWS clients, Vault) is
 * imported on the first invocation, so the module a cold start loads stays small.
 */
import { DETECTOR_CONFIG_ENV, parseRuntimeConfig } from '../src/config/runtime-config';
import { RedactionBoundary } from '../src/observability/boundary';
import { processRedactor } from '../src/observability/redaction';
import { createHandler } from '../src/runtime/handler';

export type { DetectEvent, DetectResult } from '../src/runtime/handler';

export const handler = createHandler(
  () => import('../src/runtime/lambda').then(({ createLambdaRuntime }) => createLambdaRuntime(parseRuntimeConfig(process.env[DETECTOR_CONFIG_ENV]))),
  new RedactionBoundary(processRedactor),
);
