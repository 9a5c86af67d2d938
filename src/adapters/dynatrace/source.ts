/**
 * Collects container metrics from the Dynatrace Metrics API v2
 * (`GET /api/v2/metrics/query`): every configured selector in one
 * comma-separated `metricSelector` (one result per selector, up to 10 per
 * query: docs.dynatrace.com, "Metrics API - Metric selector", Limitations),
 * following `nextPageKey`. When Dynatrace rejects the list because one metric
 * key is unknown to the tenant (400/404), each selector is asked alone, so the
 * missing metric degrades on its own. `null` points are gaps, never zeros;
 * 429 answers are waited out only while the run's deadline allows.
 */
import type { MetricName } from '../../core/model';
import { metricsPresent } from '../../core/merge';
import type { CollectWindow, Deadline, MetricGap, MetricSource, SecretProvider, SourceBatch, VersionedSecret } from '../../core/ports';
import type { DynatraceDimensionMap, DynatraceMetricMapping } from '../../config/source-defaults';
import { requireKey } from '../vault/secret-provider';
import { AuthRejectedError, clockSkewMs, defaultFetch, describeErrorBody, readErrorBody, requestSignal, SAFETY_MARGIN_MS, upstreamExcerpt, withCredentialRetry, type FetchLike } from '../http';
import { DynatraceSeriesReader, type MetricReading, type Series } from './series';

export { latestPoint } from './series';

export interface DynatraceSourceOptions {
  environmentUrl: string;
  resolution: string;
  entitySelector: string;
  /** Vault path of `{apiToken}`. */
  secretPath: string;
  dimensions: DynatraceDimensionMap;
  /** The metrics read from Dynatrace; a metric left out is not asked for. */
  metrics: Partial<Record<MetricName, DynatraceMetricMapping>>;
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

/** Dynatrace refused the selector itself (400, or 404 for a metric key the tenant lacks). */
export class DynatraceSelectorError extends DynatraceError {
  constructor(readonly status: number, readonly detail: string, what: string) {
    super(`Dynatrace query for ${what} failed (${status}): ${detail}`);
    this.name = 'DynatraceSelectorError';
  }
}

interface QueryResponse {
  nextPageKey?: string | null;
  result?: Array<{ metricId?: string; data?: Series[] }>;
}

type Asked = MetricReading & { selector: string };

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

/** A 429 wait that ends early, rejecting, when the collection gives up. */
function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    signal?.throwIfAborted();
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export class DynatraceSource implements MetricSource {
  readonly name = 'dynatrace' as const;
  private readonly fetchFn: FetchLike;
  private readonly wait: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly now: () => number;

  constructor(
    private readonly options: DynatraceSourceOptions,
    private readonly deps: { secrets: SecretProvider; fetch?: FetchLike; sleep?: (ms: number, signal?: AbortSignal) => Promise<void>; now?: () => number },
  ) {
    this.fetchFn = deps.fetch ?? defaultFetch;
    this.wait = deps.sleep ?? abortableSleep;
    this.now = deps.now ?? Date.now;
  }

  async collect(window: CollectWindow, deadline: Deadline, signal?: AbortSignal): Promise<SourceBatch> {
    const { value, secret, recovered } = await withCredentialRetry(this.deps.secrets, this.options.secretPath, (s) => this.queryAll(s, window, deadline, signal));
    return { ...value, source: 'dynatrace', secretVersion: secret.version, recoveredFromRotation: recovered };
  }

  private asked(): Asked[] {
    return (Object.entries(this.options.metrics) as Array<[MetricName, DynatraceMetricMapping]>).map(([metric, m]) => ({
      metric,
      selector: m.selector,
      unitScale: m.unitScale,
      dimensions: m.dimensions ?? this.options.dimensions,
    }));
  }

  private async queryAll(secret: VersionedSecret, window: CollectWindow, deadline: Deadline, outer: AbortSignal | undefined): Promise<Omit<SourceBatch, 'source' | 'secretVersion' | 'recoveredFromRotation'>> {
    const token = requireKey(secret, 'apiToken');
    const asked = this.asked();
    const rawRows: unknown[] = [];
    const reader = new DynatraceSeriesReader();
    const gaps: MetricGap[] = [];
    let skew: number | undefined;
    const read = (group: Asked[], pages: QueryResponse[]) => {
      for (const page of pages) {
        (page.result ?? []).forEach((collection, i) => {
          // One collection per selector, in the order asked; metricId echoes the selector.
          const reading = group.find((a) => a.selector === collection.metricId) ?? group[i];
          if (!reading) return;
          for (const series of collection.data ?? []) {
            rawRows.push({ metric: reading.metric, metricId: collection.metricId, ...series });
            reader.add(reading, series);
          }
        });
      }
    };
    // Our own controller, so a query that fails for good stops its siblings still in flight.
    const controller = new AbortController();
    const stop = () => controller.abort(outer?.reason);
    outer?.addEventListener('abort', stop, { once: true });
    const signal = controller.signal;
    const query = async (group: Asked[]) => {
      const { pages, skewMs } = await this.query(token, group, window, deadline, signal);
      skew ??= skewMs;
      read(group, pages);
    };
    const refused = (a: Asked, e: DynatraceSelectorError): MetricGap => ({ metric: a.metric, reason: `Dynatrace refused ${a.selector} (${e.status}): ${e.detail}` });
    try {
      await query(asked);
    } catch (e) {
      if (!(e instanceof DynatraceSelectorError)) throw e;
      if (asked.length === 1) {
        gaps.push(refused(asked[0], e));
      } else {
        // One unknown key fails the whole list: ask each selector alone to find out which.
        const settled = await Promise.allSettled(
          asked.map((a) =>
            query([a]).catch((err: unknown) => {
              if (!(err instanceof DynatraceSelectorError)) controller.abort(err);
              throw err;
            }),
          ),
        );
        const fatal = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected' && !(r.reason instanceof DynatraceSelectorError));
        if (fatal) throw fatal.reason;
        settled.forEach((r, i) => {
          if (r.status === 'rejected') gaps.push(refused(asked[i], r.reason as DynatraceSelectorError));
        });
      }
    } finally {
      outer?.removeEventListener('abort', stop);
    }

    const samples = reader.samples();
    const found = metricsPresent(samples);
    for (const a of asked) {
      if (!found.includes(a.metric) && !gaps.some((g) => g.metric === a.metric)) gaps.push({ metric: a.metric, reason: `no usable series for ${a.selector} in the window` });
    }
    const problems = reader.problems(asked, gaps);
    if (gaps.length === asked.length && !reader.series) throw new DynatraceError(`Dynatrace gave none of the configured metrics: ${problems.join('; ')}`);
    if (reader.series > 0 && samples.length === 0) throw new DynatraceError(`Dynatrace returned ${reader.series} series but no usable container: ${problems[0] ?? 'every series was dropped'}`);
    return {
      rawRows,
      samples,
      dropped: reader.dropped,
      missingMetrics: gaps,
      stats: { rows: reader.series, containers: samples.length, metricsFound: found, clockSkewMs: skew, problems },
    };
  }

  private async query(token: string, group: Asked[], window: CollectWindow, deadline: Deadline, signal: AbortSignal): Promise<{ pages: QueryResponse[]; skewMs?: number }> {
    const base = `${this.options.environmentUrl.replace(/\/+$/, '')}/api/v2/metrics/query`;
    const what = group.length === 1 ? group[0].metric : 'the container metrics';
    let params: URLSearchParams | undefined = new URLSearchParams({
      metricSelector: group.map((a) => a.selector).join(','),
      resolution: this.options.resolution,
      from: String(window.earliest.getTime()),
      to: String(window.latest.getTime()),
      entitySelector: this.options.entitySelector,
    });
    const pages: QueryResponse[] = [];
    let skewMs: number | undefined;
    while (params) {
      const { page, headers } = await this.get(`${base}?${params.toString()}`, token, what, deadline, signal);
      skewMs ??= clockSkewMs(headers, this.now());
      pages.push(page);
      // Follow-up pages take only the key: Dynatrace rejects other parameters alongside it.
      params = page.nextPageKey ? new URLSearchParams({ nextPageKey: page.nextPageKey }) : undefined;
    }
    return { pages, skewMs };
  }

  private async get(url: string, token: string, what: string, deadline: Deadline, signal: AbortSignal): Promise<{ page: QueryResponse; headers: Headers }> {
    for (let waits = 0; ; waits++) {
      const res = await this.fetchFn(url, {
        headers: { Authorization: `Api-Token ${token}`, Accept: 'application/json' },
        signal: requestSignal(deadline, this.options.maxRequestMs ?? 30_000, `the Dynatrace query for ${what}`, signal),
      });
      if (res.status === 401 || res.status === 403) {
        await res.body?.cancel();
        throw new AuthRejectedError('Dynatrace', res.status);
      }
      if (res.status === 429) {
        await res.body?.cancel();
        const waitMs = retryAfterMs(res.headers, this.now());
        if (waits >= (this.options.maxRateLimitWaits ?? 3) || waitMs + SAFETY_MARGIN_MS * 2 > deadline.remainingMs()) {
          throw new DynatraceError(`Dynatrace rate limit (429) for ${what}: retry in ${Math.ceil(waitMs / 1000)} s does not fit in this run`);
        }
        await this.wait(waitMs, signal);
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
        if (res.status === 400 || res.status === 404) throw new DynatraceSelectorError(res.status, upstreamExcerpt(detail ?? body.text), what);
        throw new DynatraceError(`Dynatrace query for ${what} failed ${describeErrorBody(body, detail)}`);
      }
      const text = await res.text();
      try {
        return { page: JSON.parse(text) as QueryResponse, headers: res.headers };
      } catch {
        throw new DynatraceError(`Dynatrace answered ${what} with a body that is not JSON`);
      }
    }
  }
}
