/** Test doubles for the pipeline's ports: deterministic, recording what they were asked. */
import { METRIC_NAMES, type MetricVector, type PartialSample, type SourceName } from '../../src/core/model';
import type { CollectWindow, Deadline, MetricSource, SourceBatch } from '../../src/core/ports';
import type {
  Alerter, AlertMessage, Clock, EmbeddedDetection, EmbeddedDetector, EmbeddedDetectorFactory, EmbeddedInput, Log, RunMetrics, ServiceScaler, ServiceState,
} from '../../src/pipeline/ports';
import { snsProblem } from '../../src/adapters/aws/sns-alerter';

export const noDeadline: Deadline = { remainingMs: () => 60_000 };

export function fixedClock(iso: string): Clock & { set(iso: string): void } {
  let now = new Date(iso);
  return { now: () => now, set: (v: string) => (now = new Date(v)) };
}

export function partial(containerId: string, service: string, metrics: Partial<MetricVector>, source: SourceName = 'splunk', timestamp = '2026-11-24T10:00:00.000Z'): PartialSample {
  return { containerId, service, cluster: 'apps', timestamp, metrics, source };
}

export const fullMetrics = (cpu = 40, mem = 50, net = 20, disk = 100): MetricVector => ({ cpu_pct: cpu, mem_pct: mem, net_mbps: net, disk_iops: disk });

export class FakeSource implements MetricSource {
  calls: CollectWindow[] = [];
  constructor(readonly name: SourceName, public result: SourceBatch | Error) {}
  async collect(window: CollectWindow): Promise<SourceBatch> {
    this.calls.push(window);
    if (this.result instanceof Error) throw this.result;
    return this.result;
  }
  static of(name: SourceName, samples: PartialSample[]): FakeSource {
    return new FakeSource(name, { source: name, rawRows: samples.map((s) => ({ ...s })), samples, dropped: {}, secretVersion: 1, recoveredFromRotation: false });
  }
}

/** Flags containers whose id is in `anomalous`; attribution points at `direction` on `metric`. */
export class ScriptedDetector implements EmbeddedDetector {
  updates: Array<{ key: string; values: number[] }> = [];
  constructor(
    public anomalous: Map<string, { metric: (typeof METRIC_NAMES)[number]; direction: 'high' | 'low'; score?: number }> = new Map(),
    public warmingUp = false,
    readonly stateTag = 'state',
  ) {}
  /** Containers whose unusual stretch goes on after their one alarm (no anomaly, but not clear either). */
  stillUnusual = new Set<string>();
  /** Containers whose leading metric has repeated one value improbably long. */
  frozen = new Set<string>();
  update(key: string, _group: string, _t: number, values: number[]): EmbeddedDetection {
    this.updates.push({ key, values });
    const a = this.anomalous.get(key);
    const high = METRIC_NAMES.map(() => 0.01);
    const low = METRIC_NAMES.map(() => 0.01);
    if (a) (a.direction === 'high' ? high : low)[METRIC_NAMES.indexOf(a.metric)] = 2;
    const score = a ? (a.score ?? 2) : 0.5;
    return { score, threshold: 1.5, isAnomaly: score >= 1.5, warmingUp: this.warmingUp, unusual: score >= 1.5 || this.stillUnusual.has(key), attribution: { high, low }, frozen: this.frozen.has(key) };
  }
  updateBatch(inputs: readonly EmbeddedInput[]): EmbeddedDetection[] {
    return inputs.map((s) => this.update(s.key, s.group, s.timestampMs, s.values));
  }
  serialize(): Uint8Array {
    return new TextEncoder().encode(`${this.stateTag}:${this.updates.length}`);
  }
  size(): number {
    return new Set(this.updates.map((u) => u.key)).size;
  }
  prune(): number {
    return 0;
  }
}

export class ScriptedDetectorFactory implements EmbeddedDetectorFactory {
  restored: string[] = [];
  constructor(readonly detector: ScriptedDetector) {}
  create(): EmbeddedDetector {
    return this.detector;
  }
  deserialize(bytes: Uint8Array): EmbeddedDetector {
    const text = new TextDecoder().decode(bytes);
    if (!text.startsWith(this.detector.stateTag)) throw new Error('unreadable state');
    this.restored.push(text);
    return this.detector;
  }
}

export class FakeScaler implements ServiceScaler {
  state = new Map<string, ServiceState>();
  updates: Array<{ service: string; desiredCount: number }> = [];
  minRaises: Array<{ service: string; minCapacity: number }> = [];
  failUpdateFor = new Set<string>();
  describe = jest.fn(async (_cluster: string, service: string): Promise<ServiceState> => {
    const s = this.state.get(service);
    if (!s) throw new Error(`ServiceNotFoundException: ${service}`);
    return { ...s };
  });
  async setDesiredCount(_cluster: string, service: string, desiredCount: number): Promise<void> {
    if (this.failUpdateFor.has(service)) throw new Error(`AccessDeniedException for ${service}`);
    this.updates.push({ service, desiredCount });
    const s = this.state.get(service);
    if (s) s.desiredCount = desiredCount;
  }
  async setMinCapacity(_cluster: string, service: string, minCapacity: number): Promise<void> {
    this.minRaises.push({ service, minCapacity });
    const s = this.state.get(service);
    if (s?.autoScaling) s.autoScaling.minCapacity = minCapacity;
  }
}

/** Publishes like SNS: refuses what SNS would refuse (see `snsProblem`), records the rest. */
export class FakeAlerter implements Alerter {
  published: AlertMessage[] = [];
  fail = false;
  async publish(message: AlertMessage): Promise<string> {
    if (this.fail) throw new Error('SNS is down');
    const problem = snsProblem(message);
    if (problem) throw new Error(`InvalidParameter: ${problem}`);
    this.published.push(message);
    return `msg-${this.published.length}`;
  }
}

export class RecordingLog implements Log {
  lines: Array<{ level: string; message: string; extra?: Record<string, unknown> }> = [];
  debug(message: string, extra?: Record<string, unknown>) { this.lines.push({ level: 'debug', message, extra }); }
  info(message: string, extra?: Record<string, unknown>) { this.lines.push({ level: 'info', message, extra }); }
  warn(message: string, extra?: Record<string, unknown>) { this.lines.push({ level: 'warn', message, extra }); }
  error(message: string, extra?: Record<string, unknown>) { this.lines.push({ level: 'error', message, extra }); }
  messages(level?: string): string[] {
    return this.lines.filter((l) => !level || l.level === level).map((l) => l.message);
  }
}

export class RecordingMetrics implements RunMetrics {
  values: Array<{ name: string; unit: string; value: number }> = [];
  add(name: string, unit: string, value: number): void {
    this.values.push({ name, unit, value });
  }
  total(name: string): number {
    return this.values.filter((v) => v.name === name).reduce((s, v) => s + v.value, 0);
  }
}
