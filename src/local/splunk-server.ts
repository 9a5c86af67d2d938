/**
 * A local stand-in for Splunk's export search endpoint, shaped as documented
 * (docs.splunk.com, REST API Reference, "search/jobs/export"; output_mode=json):
 * `POST /services/search/v2/jobs/export` with a form body (`search`,
 * `output_mode=json`, `earliest_time`, `latest_time`), Bearer or Basic auth,
 * answered with one JSON object per line: a reporting search first streams
 * `{"preview":true,…}` partial rows, then the final `{"preview":false,"offset":n,"result":{…}}`
 * rows, the last one with `"lastrow":true`; every value is a string. Errors
 * carry Splunk's `messages` (`[{type, text}]`). Results are per-container
 * averages over the window, what the default SPL computes, for the cluster
 * its `cluster="…"` filter names.
 */
import { METRIC_NAMES } from '../core/model';
import type { FleetSim } from '../sim/fleet';
import { DEFAULT_SPLUNK_FIELDS as FIELDS } from '../config/source-defaults';
import { sendJson, startServer, type RunningServer } from './http-server';

export interface SplunkServerOptions {
  sim: FleetSim;
  /** Authorization header values accepted; change with `accept` to simulate rotation. */
  acceptedAuthorization: string[];
  latencyMs?: number;
}

export interface LocalSplunk extends RunningServer {
  accept(authorizations: string[]): void;
  requests: number;
}

function messages(type: string, text: string) {
  return { messages: [{ type, text }] };
}

export async function startSplunkServer(options: SplunkServerOptions): Promise<LocalSplunk> {
  let accepted = new Set(options.acceptedAuthorization);
  let requests = 0;
  const server = await startServer(
    (req, res, body) => {
      requests++;
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (req.method === 'GET' && url.pathname === '/services/server/info') {
        if (!accepted.has(req.headers.authorization ?? '')) return sendJson(res, 401, messages('WARN', 'call not properly authenticated'));
        return sendJson(res, 200, { entry: [{ name: 'server-info', content: { version: 'local-sim' } }] });
      }
      if (req.method !== 'POST' || url.pathname !== '/services/search/v2/jobs/export') return sendJson(res, 404, messages('ERROR', `Not Found: ${url.pathname}`));
      if (!accepted.has(req.headers.authorization ?? '')) return sendJson(res, 401, messages('WARN', 'call not properly authenticated'));
      const form = new URLSearchParams(body);
      const search = form.get('search') ?? '';
      if (!/^\s*(search|\|)/.test(search)) return sendJson(res, 400, messages('FATAL', `Unknown search command '${search.split(/\s+/)[0]}'.`));
      if (form.get('output_mode') !== 'json') return sendJson(res, 400, messages('FATAL', 'output_mode must be json for this server'));
      const earliest = Number(form.get('earliest_time')) * 1000;
      const latest = Number(form.get('latest_time')) * 1000;
      if (!Number.isFinite(earliest) || !Number.isFinite(latest) || earliest >= latest) {
        return sendJson(res, 400, messages('FATAL', 'Invalid earliest_time/latest_time.'));
      }
      const sim = options.sim;
      const cluster = /\bcluster="([^"]*)"/.exec(search)?.[1];
      const containers = sim.containers.filter((c) => cluster === undefined || c.cluster === cluster);
      const steps: number[] = [];
      for (let s = sim.stepOf(earliest) + 1; s <= sim.stepOf(latest); s++) steps.push(s);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      if (steps.length && containers.length) res.write(JSON.stringify({ preview: true, offset: 0, result: { [FIELDS.container]: containers[0].containerId } }) + '\n');
      containers.forEach((c, offset) => {
        if (steps.length === 0) return;
        const sums = METRIC_NAMES.map(() => 0);
        for (const s of steps) METRIC_NAMES.forEach((m, i) => (sums[i] += sim.sample(c, s)[m]));
        const result: Record<string, string> = {
          [FIELDS.container]: c.containerId,
          [FIELDS.service]: c.service,
          [FIELDS.cluster]: c.cluster,
          [FIELDS.time]: (sim.timeOf(steps[steps.length - 1]) / 1000).toFixed(3),
        };
        METRIC_NAMES.forEach((m, i) => (result[FIELDS.metrics[m] ?? m] = (sums[i] / steps.length).toFixed(4)));
        const last = offset === containers.length - 1;
        res.write(JSON.stringify({ preview: false, offset, ...(last ? { lastrow: true } : {}), result }) + '\n');
      });
      res.end();
    },
    { latencyMs: options.latencyMs },
  );
  return {
    ...server,
    accept: (a) => (accepted = new Set(a)),
    get requests() {
      return requests;
    },
  };
}
