/**
 * Collects container metrics from the Dynatrace Metrics API v2
 * (`GET /api/v2/metrics/query`), one selector per feature, following
 * `nextPageKey`. `null` data points are gaps, never zeros; 429 answers are
 * waited out only while the run's deadline allows.
 */
import { METRIC_NAMES, type DropCounts, type MetricName, type PartialSample } from '../../core/model';
import { countDrop } from '../../core/merge';
import type { CollectWindow, Deadline, MetricSource, SecretProvider, SourceBatch, VersionedSecret } from '../../core/ports';
import { requireKey } from '../vault/secret-provider';
import { sleep } from '../retry';
import { AuthRejectedError, defaultFetch, describeErrorBody, readErrorBody, requestTimeoutMs, SAFETY_MARGIN_MS, withCredentialRetry, type FetchLike } from '../http';

/** Where container, service and cluster come from in each series' `dimensionMap`. */
export interface DynatraceDimensions {
  containerId: string;
  service: string;
  cluster: string;
}

export const DEFAULT_DIMENSIONS: DynatraceDimensions = {
  containerId: 'dt.entity.container_group_instance',
  service: 'aws.ecs.service',
  cluster: 'aws.ecs.cluster',
};

/** Factor from the selector's unit to the feature's unit (bytes/s → Mbit/s for network). */
export const DEFAULT_UNIT_SCALE: Record<MetricName, number> = { cpu_pct: 1, mem_pct: 1, net_mbps: 8e-6, disk_iops: 1 };

export interface DynatraceSourceOptions {
  environmentUrl: string;
  metricSelectors: Record<MetricName, string>;
  resolution: string;
  entitySelector: string;
  /** Vault path of `{apiToken}`. */
  secretPath: string;
  dimensions?: DynatraceDimensions;
  unitScale?: Record<MetricName, number>;
  maxRequestMs?: number;
  /** Most 429 waits per request before giving up. */
  maxRateLimitWaits?: number;
}

export class DynatraceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DynatraceError';
  }
}

interface Series {
  dimensions?: string[];
  dimensionMap?: Record<string, string>;
  timestamps?: number[];
  values?: Array<number | null>;
}
interface QueryResponse {
  nextPageKey?: string | null;
  result?: Array<{ metricId?: string; data?: Series[] }>;
}

/** The latest non-null point of a series, or undefined when every point is a gap. */
export function latestPoint(series: Series): { value: number; at: number } | undefined {
  const values = series.values ?? [];
  const stamps = series.timestamps ?? [];
  for (let i = values.length - 1; i >= 0; i--) {
    const v = values[i];
    if (v !== null && v !== undefined) return { value: v, at: stamps[i] };
  }
  return undefined;
}

/** Seconds to wait from `Retry-After` (seconds or HTTP date) or `X-RateLimit-Reset` (epoch µs). */
export function retryAfterMs(headers: Headers, now: number): number {
  const after = headers.get('retry-after');
  if (after) {
    const seconds = Number(after);
    if (Number.isFinite(seconds)) return seconds * 1000;
    const at = Date.parse(after);
    if (Number.isFinite(at)) return Math.max(0, at - now);
  }
  const reset = Number(headers.get('x-ratelimit-reset'));
  if (Number.isFinite(reset) && reset > 0) return Math.max(0, reset / 1000 - now);
  return 1000;
}

export class DynatraceSource implements MetricSource {
  readonly name = 'dynatrace' as const;
  private readonly fetchFn: FetchLike;
  private readonly wait: (ms: number) => Promise<void>;

  constructor(
    private readonly options: DynatraceSourceOptions,
    private readonly deps: { secrets: SecretProvider; fetch?: FetchLike; sleep?: (ms: number) => Promise<void>; now?: () => number },
  ) {
    this.fetchFn = deps.fetch ?? defaultFetch;
    this.wait = deps.sleep ?? sleep;
  }

  async collect(window: CollectWindow, deadline: Deadline): Promise<SourceBatch> {
    const { value, secret, recovered } = await withCredentialRetry(this.deps.secrets, this.options.secretPath, (s) => this.queryAll(s, window, deadline));
    return { ...value, source: 'dynatrace', secretVersion: secret.version, recoveredFromRotation: recovered };
  }

  private async queryAll(secret: VersionedSecret, window: CollectWindow, deadline: Deadline): Promise<Pick<SourceBatch, 'rawRows' | 'samples' | 'dropped'>> {
    const token = requireKey(secret, 'apiToken');
    const dims = this.options.dimensions ?? DEFAULT_DIMENSIONS;
    const scale = this.options.unitScale ?? DEFAULT_UNIT_SCALE;
    const rawRows: unknown[] = [];
    const dropped: DropCounts = {};
    const byContainer = new Map<string, PartialSample>();
    const pages = await Promise.all(METRIC_NAMES.map(async (metric) => ({ metric, pages: await this.queryMetric(token, metric, window, deadline) })));
    for (const { metric, pages: responses } of pages) {
      for (const page of responses) {
        for (const result of page.result ?? []) {
          for (const series of result.data ?? []) {
            rawRows.push({ metric, metricId: result.metricId, ...series });
            const containerId = series.dimensionMap?.[dims.containerId];
            if (!containerId) {
              countDrop(dropped, 'missing_id');
              continue;
            }
            const point = latestPoint(series);
            if (!point) continue;
            let sample = byContainer.get(containerId);
            if (!sample) {
              sample = {
                containerId,
                service: series.dimensionMap?.[dims.service] ?? '',
                cluster: series.dimensionMap?.[dims.cluster] ?? '',
                timestamp: new Date(point.at).toISOString(),
                metrics: {},
                source: 'dynatrace',
              };
              byContainer.set(containerId, sample);
            }
            sample.metrics[metric] = point.value * scale[metric];
            const at = new Date(point.at).toISOString();
            if (at > sample.timestamp) sample.timestamp = at;
          }
        }
      }
    }
    return { rawRows, samples: [...byContainer.values()], dropped };
  }

  private async queryMetric(token: string, metric: MetricName, window: CollectWindow, deadline: Deadline): Promise<QueryResponse[]> {
    const base = `${this.options.environmentUrl.replace(/\/+$/, '')}/api/v2/metrics/query`;
    const first = new URLSearchParams({
      metricSelector: this.options.metricSelectors[metric],
      resolution: this.options.resolution,
      from: String(window.earliest.getTime()),
      to: String(window.latest.getTime()),
      entitySelector: this.options.entitySelector,
    });
    const pages: QueryResponse[] = [];
    let params: URLSearchParams | undefined = first;
    while (params) {
      const page = await this.get(`${base}?${params.toString()}`, token, metric, deadline);
      pages.push(page);
      // Follow-up pages take only the key: Dynatrace rejects other parameters alongside it.
      params = page.nextPageKey ? new URLSearchParams({ nextPageKey: page.nextPageKey }) : undefined;
    }
    return pages;
  }

  private async get(url: string, token: string, metric: MetricName, deadline: Deadline): Promise<QueryResponse> {
    const now = this.deps.now ?? Date.now;
    for (let waits = 0; ; waits++) {
      const res = await this.fetchFn(url, {
        headers: { Authorization: `Api-Token ${token}`, Accept: 'application/json' },
        signal: AbortSignal.timeout(requestTimeoutMs(deadline, this.options.maxRequestMs ?? 30_000, `the Dynatrace query for ${metric}`)),
      });
      if (res.status === 401 || res.status === 403) {
        await res.body?.cancel();
        throw new AuthRejectedError('Dynatrace', res.status);
      }
      if (res.status === 429) {
        await res.body?.cancel();
        const waitMs = retryAfterMs(res.headers, now());
        if (waits >= (this.options.maxRateLimitWaits ?? 3) || waitMs + SAFETY_MARGIN_MS * 2 > deadline.remainingMs()) {
          throw new DynatraceError(`Dynatrace rate limit (429) for ${metric}: retry in ${Math.ceil(waitMs / 1000)} s does not fit in this run`);
        }
        await this.wait(waitMs);
        continue;
      }
      if (res.status !== 200) {
        const body = await readErrorBody(res);
        let detail: string | undefined;
        try {
          detail = (JSON.parse(body.text) as { error?: { message?: string } }).error?.message;
        } catch {
          // Not JSON (a gateway's page): the excerpt shows the body.
        }
        throw new DynatraceError(`Dynatrace query for ${metric} failed ${describeErrorBody(body, detail)}`);
      }
      const text = await res.text();
      try {
        return JSON.parse(text) as QueryResponse;
      } catch {
        throw new DynatraceError(`Dynatrace answered ${metric} with a body that is not JSON`);
      }
    }
  }
}
