/**
 * A local stand-in for the Dynatrace Metrics API v2 query endpoint, shaped as
 * documented (docs.dynatrace.com, "Metrics API - GET metric data points"):
 * `GET /api/v2/metrics/query` with `metricSelector` (a comma-separated list
 * answers one `result[]` entry per selector), `resolution`, `from`, `to`,
 * `entitySelector`; paged with `nextPageKey` (sent alone on later pages);
 * `Api-Token` auth; `null` for missing points; 404 for a metric key the tenant
 * does not have; 429 with `Retry-After`; errors in `{"error":{"code","message"}}`.
 * Series carry only what the built-in container metrics carry: the
 * `dt.entity.container_group_instance` entity id, plus its `.name` when the
 * selector asks for `:names` ("Metrics API - Metric selector", "Names").
 */
import { createHash } from 'node:crypto';
import type { MetricName } from '../core/model';
import type { FleetSim, SimContainer } from '../sim/fleet';
import { DEFAULT_DYNATRACE_METRICS, DYNATRACE_CLUSTER_TAG } from '../config/source-defaults';
import { sendJson, startServer, type RunningServer } from './http-server';
import { metricKeyOf, parseSelectorList } from '../adapters/dynatrace/selectors';

export interface DynatraceServerOptions {
  sim: FleetSim;
  /** Metric key → the simulated metric it serves and the factor from the key's unit to the metric's. */
  metricKeys?: Record<string, { metric: MetricName; unitScale: number }>;
  /** Keys this tenant lacks: queried, they answer 404 as Dynatrace does. */
  missingKeys?: string[];
  acceptedTokens: string[];
  pageSize?: number;
  /** Share of data points reported as null (gaps). */
  gapRate?: number;
  latencyMs?: number;
}

export interface LocalDynatrace extends RunningServer {
  accept(tokens: string[]): void;
  /** The next `n` queries answer 429 with Retry-After. */
  rateLimitNext(n: number, retryAfterSeconds: number): void;
  requests: number;
}

const RESOLUTION_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const ENTITY_DIMENSION = 'dt.entity.container_group_instance';

/** The built-in keys of the default selectors, each serving its metric. */
export function defaultMetricKeys(): Record<string, { metric: MetricName; unitScale: number }> {
  return Object.fromEntries(
    (Object.entries(DEFAULT_DYNATRACE_METRICS) as Array<[MetricName, { selector: string; unitScale: number }]>).map(([metric, m]) => [metricKeyOf(m.selector), { metric, unitScale: m.unitScale }]),
  );
}

/** A 32-bit FNV-1a hash of a container id, the seed of its gaps. */
function seedOf(containerId: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < containerId.length; i++) h = Math.imul(h ^ containerId.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** A stable Dynatrace-style entity id for a simulated container. */
export function entityIdOf(containerId: string): string {
  return `CONTAINER_GROUP_INSTANCE-${createHash('sha1').update(containerId).digest('hex').slice(0, 16).toUpperCase()}`;
}

/** The containers an entity selector picks: `type(CONTAINER_GROUP_INSTANCE)`, optionally narrowed by the cluster tag. */
function selectEntities(sim: FleetSim, entitySelector: string | null): SimContainer[] | string {
  if (!entitySelector) return sim.containers;
  if (!/^type\(\s*"?CONTAINER_GROUP_INSTANCE"?\s*\)/.test(entitySelector)) return `Unsupported entity selector ${entitySelector}`;
  const tags = [...entitySelector.matchAll(/tag\("([^"]*)"\)/g)].map((m) => m[1]);
  return sim.containers.filter((c) => tags.every((t) => t === `${DYNATRACE_CLUSTER_TAG}:${c.cluster}`));
}

export async function startDynatraceServer(options: DynatraceServerOptions): Promise<LocalDynatrace> {
  let accepted = new Set(options.acceptedTokens);
  let limited = 0;
  let retryAfter = 1;
  let requests = 0;
  const keys = options.metricKeys ?? defaultMetricKeys();
  const missing = new Set(options.missingKeys ?? []);
  const pageSize = options.pageSize ?? 25;
  const pending = new Map<string, URLSearchParams>();
  const server = await startServer(
    (req, res) => {
      requests++;
      const url = new URL(req.url ?? '/', 'http://localhost');
      const token = /^Api-Token (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!token || !accepted.has(token)) return sendJson(res, 401, { error: { code: 401, message: 'Token Authentication failed' } });
      if (url.pathname === '/api/v2/metrics') return sendJson(res, 200, { totalCount: Object.keys(keys).length, nextPageKey: null, metrics: Object.keys(keys).filter((k) => !missing.has(k)).map((metricId) => ({ metricId })) });
      if (url.pathname !== '/api/v2/metrics/query') return sendJson(res, 404, { error: { code: 404, message: 'Not found' } });
      if (limited > 0) {
        limited--;
        res.writeHead(429, { 'Content-Type': 'application/json', 'Retry-After': String(retryAfter) });
        res.end(JSON.stringify({ error: { code: 429, message: 'Too Many Requests' } }));
        return;
      }
      const key = url.searchParams.get('nextPageKey');
      let params = url.searchParams;
      let offset = 0;
      if (key) {
        if ([...url.searchParams.keys()].length > 1) return sendJson(res, 400, { error: { code: 400, message: 'nextPageKey must be the only parameter' } });
        const saved = pending.get(key);
        if (!saved) return sendJson(res, 400, { error: { code: 400, message: 'Invalid nextPageKey' } });
        pending.delete(key);
        params = saved;
        offset = Number(key.split(':')[1]);
      }
      const selectors = parseSelectorList(params.get('metricSelector') ?? '');
      if (selectors.length === 0) return sendJson(res, 400, { error: { code: 400, message: 'metricSelector must not be empty' } });
      if (selectors.length > 10) return sendJson(res, 400, { error: { code: 400, message: 'A query may contain at most 10 metric selectors' } });
      for (const s of selectors) {
        if (!keys[s.key] || missing.has(s.key)) return sendJson(res, 404, { error: { code: 404, message: `The metric key ${s.key} could not be found` } });
      }
      const resolution = /^(\d+)([smhd])$/.exec(params.get('resolution') ?? '1m');
      const from = Number(params.get('from'));
      const to = Number(params.get('to'));
      if (!resolution || !Number.isFinite(from) || !Number.isFinite(to) || from >= to) return sendJson(res, 400, { error: { code: 400, message: 'Invalid resolution or timeframe' } });
      const entities = selectEntities(options.sim, params.get('entitySelector'));
      if (typeof entities === 'string') return sendJson(res, 400, { error: { code: 400, message: entities } });
      const stepMs = Number(resolution[1]) * RESOLUTION_MS[resolution[2]];
      const sim = options.sim;
      const page = entities.slice(offset, offset + pageSize);
      const gapRate = options.gapRate ?? 0.05;
      const result = selectors.map((s) => {
        const { metric, unitScale } = keys[s.key];
        return {
          metricId: s.text,
          dataPointCountRatio: 0.001,
          dimensionCountRatio: 0.01,
          data: page.map((c) => {
            const timestamps: number[] = [];
            const values: Array<number | null> = [];
            for (let t = Math.ceil(from / stepMs) * stepMs; t < to; t += stepMs) {
              timestamps.push(t);
              // Gaps are deterministic per (container, point) and scattered, like a flaky agent.
              const gap = (Math.imul(seedOf(c.containerId) ^ (t / stepMs), 2654435761) >>> 0) % 1000 < gapRate * 1000;
              values.push(gap ? null : sim.sample(c, sim.stepOf(t))[metric] / unitScale);
            }
            const id = entityIdOf(c.containerId);
            // The collector reads dimensionMap only; `dimensions` lists the same values.
            const dimensionMap: Record<string, string> = s.names ? { [ENTITY_DIMENSION]: id, [`${ENTITY_DIMENSION}.name`]: c.containerId } : { [ENTITY_DIMENSION]: id };
            return { dimensions: Object.values(dimensionMap), dimensionMap, timestamps, values };
          }),
        };
      });
      let nextPageKey: string | null = null;
      if (offset + pageSize < entities.length) {
        nextPageKey = `page-${requests}:${offset + pageSize}`;
        pending.set(nextPageKey, params);
      }
      return sendJson(res, 200, { totalCount: entities.length * selectors.length, nextPageKey, resolution: resolution[0], result });
    },
    { latencyMs: options.latencyMs },
  );
  return {
    ...server,
    accept: (t) => (accepted = new Set(t)),
    rateLimitNext: (n, seconds) => {
      limited = n;
      retryAfter = seconds;
    },
    get requests() {
      return requests;
    },
  };
}
