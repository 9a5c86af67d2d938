/**
 * Lambda entry point for the scheduled detection run. Wires adapters to the
 * pipeline; it holds no detection logic.
 */
import { parseRuntimeConfig, DETECTOR_CONFIG_ENV, type RuntimeConfig } from '../src/config/runtime-config';

let config: RuntimeConfig | undefined;

export async function handler(): Promise<{ environment: string }> {
  config ??= parseRuntimeConfig(process.env[DETECTOR_CONFIG_ENV]);
  return { environment: config.environment };
}
