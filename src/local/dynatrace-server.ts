/**
 * A local stand-in for the Dynatrace Metrics API v2 query endpoint:
 * `GET /api/v2/metrics/query` with `metricSelector`, `resolution`, `from`, `to`,
 * `entitySelector`, paged with `nextPageKey`, `Api-Token` auth, `null` for
 * missing points, and Dynatrace's error envelope `{"error":{"code","message"}}`.
 */
import { METRIC_NAMES, type MetricName } from '../core/model';
import type { FleetSim } from '../sim/fleet';
import { DEFAULT_UNIT_SCALE } from '../adapters/dynatrace/source';
import { sendJson, startServer, type RunningServer } from './http-server';

export interface DynatraceServerOptions {
  sim: FleetSim;
  /** Selector → feature, e.g. `builtin:containers.cpu.usagePercent` → cpu_pct. */
  selectors: Record<MetricName, string>;
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

export async function startDynatraceServer(options: DynatraceServerOptions): Promise<LocalDynatrace> {
  let accepted = new Set(options.acceptedTokens);
  let limited = 0;
  let retryAfter = 1;
  let requests = 0;
  const bySelector = new Map(METRIC_NAMES.map((m) => [options.selectors[m], m]));
  const pageSize = options.pageSize ?? 25;
  const pending = new Map<string, URLSearchParams>();
  const server = await startServer(
    (req, res) => {
      requests++;
      const url = new URL(req.url ?? '/', 'http://localhost');
      const token = /^Api-Token (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!token || !accepted.has(token)) return sendJson(res, 401, { error: { code: 401, message: 'Token Authentication failed' } });
      if (url.pathname === '/api/v2/metrics') return sendJson(res, 200, { totalCount: 4, nextPageKey: null, metrics: [] });
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
      const selector = params.get('metricSelector') ?? '';
      const metric = bySelector.get(selector);
      if (!metric) return sendJson(res, 400, { error: { code: 400, message: `The metric selector ${selector} could not be resolved` } });
      const resolution = /^(\d+)([smhd])$/.exec(params.get('resolution') ?? '1m');
      const from = Number(params.get('from'));
      const to = Number(params.get('to'));
      if (!resolution || !Number.isFinite(from) || !Number.isFinite(to) || from >= to) return sendJson(res, 400, { error: { code: 400, message: 'Invalid resolution or timeframe' } });
      const stepMs = Number(resolution[1]) * RESOLUTION_MS[resolution[2]];
      const sim = options.sim;
      const containers = sim.containers.slice(offset, offset + pageSize);
      const gapRate = options.gapRate ?? 0.05;
      const data = containers.map((c) => {
        const timestamps: number[] = [];
        const values: Array<number | null> = [];
        for (let t = Math.ceil(from / stepMs) * stepMs; t < to; t += stepMs) {
          const step = sim.stepOf(t);
          timestamps.push(t);
          // Gaps are deterministic per (container, point), like a flaky agent.
          const gap = ((c.containerId.length * 7919 + t / stepMs) % 1000) / 1000 < gapRate;
          values.push(gap ? null : sim.sample(c, step)[metric] / DEFAULT_UNIT_SCALE[metric]);
        }
        return {
          dimensions: [c.containerId],
          dimensionMap: { 'dt.entity.container_group_instance': c.containerId, 'aws.ecs.service': c.service, 'aws.ecs.cluster': c.cluster },
          timestamps,
          values,
        };
      });
      let nextPageKey: string | null = null;
      if (offset + pageSize < sim.containers.length) {
        nextPageKey = `page-${requests}:${offset + pageSize}`;
        pending.set(nextPageKey, params);
      }
      return sendJson(res, 200, { totalCount: sim.containers.length, nextPageKey, resolution: resolution[0], result: [{ metricId: selector, dataPointCountRatio: 0.001, dimensionCountRatio: 0.01, data }] });
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
