/** Local stand-ins for ECS, SNS and Vault: a simulated fleet, an alerts file, a secrets file. */
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SecretProvider, VersionedSecret } from '../core/ports';
import type { Alerter, AlertMessage, ServiceScaler, ServiceState } from '../pipeline/ports';
import type { FleetSim } from '../sim/fleet';
import { processRedactor } from '../observability/redaction';

/** ECS over the simulated fleet: scaling out spreads the simulated load over more tasks. */
export class SimulatedEcs implements ServiceScaler {
  readonly updates: Array<{ service: string; from: number; to: number }> = [];

  constructor(private readonly sim: FleetSim) {}

  async describe(_cluster: string, service: string): Promise<ServiceState> {
    const desired = this.sim.desired.get(service);
    if (desired === undefined) throw new Error(`ServiceNotFoundException: ${service} is not in the simulated cluster`);
    return { desiredCount: desired, runningCount: desired };
  }

  async setDesiredCount(_cluster: string, service: string, desiredCount: number): Promise<void> {
    this.updates.push({ service, from: this.sim.desired.get(service) ?? 0, to: desiredCount });
    this.sim.desired.set(service, desiredCount);
  }

  /** The simulated services have no auto-scaling target, so the minimum is the desired count. */
  async setMinCapacity(cluster: string, service: string, minCapacity: number): Promise<void> {
    await this.setDesiredCount(cluster, service, minCapacity);
  }
}

/** Alerts appended to a JSON-lines file (and handed to `onAlert`, e.g. to print them). */
export class FileAlerter implements Alerter {
  private count = 0;

  constructor(
    private readonly path: string,
    private readonly onAlert: (message: AlertMessage, at: Date) => void = () => undefined,
    private readonly clock: () => Date = () => new Date(),
  ) {
    mkdirSync(dirname(path), { recursive: true });
  }

  async publish(message: AlertMessage): Promise<string> {
    const at = this.clock();
    const messageId = `local-${++this.count}`;
    appendFileSync(this.path, JSON.stringify({ messageId, at: at.toISOString(), subject: message.subject, attributes: message.attributes, body: JSON.parse(message.body) }) + '\n');
    this.onAlert(message, at);
    return messageId;
  }
}

/**
 * Secrets from a local JSON file (`{ "<path>": { "token": "..." } }`): the
 * stand-in for Vault when no VAULT_ADDR is set. Re-read on `invalidate`, so
 * editing the file is a rotation.
 */
export class SecretsFile implements SecretProvider {
  private cache = new Map<string, VersionedSecret>();

  constructor(readonly path: string) {}

  static create(path: string, secrets: Record<string, Record<string, string>>): SecretsFile {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, JSON.stringify(secrets, null, 2), { mode: 0o600 });
    return new SecretsFile(path);
  }

  async get(path: string): Promise<VersionedSecret> {
    const hit = this.cache.get(path);
    if (hit) return hit;
    if (!existsSync(this.path)) throw new Error(`secrets file ${this.path} does not exist`);
    const all = JSON.parse(readFileSync(this.path, 'utf8')) as Record<string, Record<string, string> & { _version?: string }>;
    const entry = all[path];
    if (!entry) throw new Error(`secrets file ${this.path} has no entry "${path}"`);
    const { _version, ...data } = entry;
    processRedactor.registerSecret(data);
    const secret = { path, version: Number(_version ?? 1), data };
    this.cache.set(path, secret);
    return secret;
  }

  invalidate(path: string): void {
    this.cache.delete(path);
  }
}
