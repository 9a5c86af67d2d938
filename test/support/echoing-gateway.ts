/**
 * A misbehaving gateway in front of Splunk and Dynatrace, for the canary test:
 * the failure pages real proxies, load balancers and WAFs send, which echo the
 * request back — its headers (so the credential), its URL, sometimes what they
 * saw on an earlier request. Each mode answers both services' paths:
 * `POST /services/search/v2/jobs/export` and `GET /api/v2/metrics/query`.
 */
import type { IncomingMessage } from 'node:http';
import { startServer, type RunningServer } from '../../src/local/http-server';

export type GatewayMode =
  /** 401 with the service's own error envelope, its text quoting the request headers. */
  | 'echo-401'
  /** 403, the same. */
  | 'echo-403'
  /** 502 HTML page dumping the whole request (method, URL, every header) after `padding` characters. */
  | 'html-5xx'
  /** 500 whose message repeats the URL with the credential moved into the query string (`Api-Token=`, `token=`). */
  | 'query-token'
  /** 200 that is not the service's answer: Splunk gets a FATAL message quoting the request, Dynatrace an HTML login page. */
  | 'fatal-200';

export interface GatewayOptions {
  mode: GatewayMode;
  /** Characters of filler before the echoed request: puts the credential at the collectors' old cut points. */
  padding?: number;
  /** What the gateway remembers from an earlier request (another sandbox, before a rotation). */
  previousRequest?: string;
}

export interface EchoingGateway extends RunningServer {
  set(options: GatewayOptions): void;
  requests: number;
}

function dump(req: IncomingMessage): string {
  const headers = Object.entries(req.headers).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : v}`);
  return [`${req.method} ${req.url} HTTP/1.1`, ...headers].join('\n');
}

export async function startEchoingGateway(initial: GatewayOptions): Promise<EchoingGateway> {
  let options = initial;
  let requests = 0;
  const server = await startServer((req, res) => {
    requests++;
    const url = new URL(req.url ?? '/', 'http://gateway');
    const splunk = url.pathname.startsWith('/services/');
    const filler = 'x'.repeat(options.padding ?? 0);
    const echoed = `${filler}${dump(req)}${options.previousRequest ? `\nprevious request:\n${options.previousRequest}` : ''}`;
    // Splunk errors: {"messages":[{"type","text"}]} (REST API Reference, "Response formats");
    // Dynatrace errors: {"error":{"code","message"}} (Dynatrace API, "Response codes").
    const envelope = (status: number, text: string) => JSON.stringify(splunk ? { messages: [{ type: 'ERROR', text }] } : { error: { code: status, message: text } });
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'Content-Type': type });
      res.end(body);
    };
    switch (options.mode) {
      case 'echo-401':
      case 'echo-403': {
        const status = options.mode === 'echo-401' ? 401 : 403;
        return send(status, 'application/json', envelope(status, `call not properly authenticated: ${echoed}`));
      }
      case 'html-5xx':
        return send(502, 'text/html', `<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><pre>${echoed}</pre></body></html>`);
      case 'query-token': {
        const auth = String(req.headers.authorization ?? '');
        const credential = auth.replace(/^\S+\s+/, '');
        const rewritten = `${url.pathname}${url.search || '?'}&${splunk ? 'token' : 'Api-Token'}=${encodeURIComponent(credential)}`;
        return send(500, 'application/json', envelope(500, `${filler}upstream failed for ${rewritten}`));
      }
      case 'fatal-200':
        if (splunk) return send(200, 'application/json', `${JSON.stringify({ messages: [{ type: 'FATAL', text: `search rejected by the edge: ${echoed}` }] })}\n`);
        return send(200, 'text/html', `<html><body><form action="/login">session expired: ${echoed}</form></body></html>`);
    }
  });
  return {
    ...server,
    set: (o) => (options = o),
    get requests() {
      return requests;
    },
  };
}
