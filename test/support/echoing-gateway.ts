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
  /** 502 HTML page dumping the whole request (every header, method, URL). */
  | 'html-5xx'
  /** 500 whose message repeats the URL with the credential moved into the query string (`Api-Token=`, `token=`). */
  | 'query-token'
  /** 200 that is not the service's answer: Splunk gets a FATAL message quoting the request, Dynatrace an HTML login page. */
  | 'fatal-200'
  /** 200 HTML login page quoting the request, for both (Splunk reads it as a line that is not JSON). */
  | 'login-200'
  /**
   * 502 text page of an authenticating proxy that quotes the credential it decoded, without any
   * header name: only the known-value layer recognises it, and only if nothing cut it first.
   */
  | 'bind-5xx';

export interface GatewayOptions {
  mode: GatewayMode;
  /**
   * Places the echoed credential so that a cut of the body at this many
   * characters falls 10 characters into it (the collectors' old cut points);
   * for `query-token`, characters of filler before the echoed URL.
   */
  straddle?: number;
  /** What the gateway remembers from an earlier request (another sandbox, before a rotation). */
  previousRequest?: string;
}

export interface EchoingGateway extends RunningServer {
  set(options: GatewayOptions): void;
  requests: number;
}

/** The request as a gateway dumps it, the credential first, after enough filler to put it at `straddle` in a body starting with `prefix`. */
function dump(req: IncomingMessage, prefix: string, straddle: number | undefined): string {
  const authorization = String(req.headers.authorization ?? '');
  const label = `authorization: ${authorization.split(' ')[0]} `;
  const filler = straddle === undefined ? '' : 'x'.repeat(Math.max(0, straddle - 10 - prefix.length - label.length));
  const others = Object.entries(req.headers).filter(([k]) => k !== 'authorization').map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : v}`);
  return [`${filler}authorization: ${authorization}`, `${req.method} ${req.url} HTTP/1.1`, ...others].join('\n');
}

export async function startEchoingGateway(initial: GatewayOptions): Promise<EchoingGateway> {
  let options = initial;
  let requests = 0;
  const server = await startServer((req, res) => {
    requests++;
    const url = new URL(req.url ?? '/', 'http://gateway');
    const splunk = url.pathname.startsWith('/services/');
    const echoed = (prefix: string) => `${dump(req, prefix, options.straddle)}${options.previousRequest ? `\nprevious request:\n${options.previousRequest}` : ''}`;
    // Splunk errors: {"messages":[{"type","text"}]} (REST API Reference, "Response formats");
    // Dynatrace errors: {"error":{"code","message"}} (Dynatrace API, "Response codes").
    const envelope = (status: number, text: string) => JSON.stringify(splunk ? { messages: [{ type: 'ERROR', text }] } : { error: { code: status, message: text } });
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'Content-Type': type });
      res.end(body);
    };
    // One line: Splunk's reader sees it as a single line that is not JSON.
    const loginPage = () => {
      const prefix = '<html><body><form action="/login">session expired: ';
      return send(200, 'text/html', `${prefix}${echoed(prefix).replace(/\n/g, ' | ')}</form></body></html>`);
    };
    switch (options.mode) {
      case 'echo-401':
      case 'echo-403': {
        const status = options.mode === 'echo-401' ? 401 : 403;
        return send(status, 'application/json', envelope(status, `call not properly authenticated: ${echoed('')}`));
      }
      case 'html-5xx': {
        const prefix = '<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><pre>';
        return send(502, 'text/html', `${prefix}${echoed(prefix)}</pre></body></html>`);
      }
      case 'query-token': {
        const auth = String(req.headers.authorization ?? '');
        const credential = auth.replace(/^\S+\s+/, '');
        const rewritten = `${url.pathname}${url.search || '?'}&${splunk ? 'token' : 'Api-Token'}=${encodeURIComponent(credential)}`;
        return send(500, 'application/json', envelope(500, `${'x'.repeat(options.straddle ?? 0)}upstream failed for ${rewritten}`));
      }
      case 'fatal-200':
        if (splunk) return send(200, 'application/json', `${JSON.stringify({ messages: [{ type: 'FATAL', text: `search rejected by the edge: ${echoed('')}` }] })}\n`);
        return loginPage();
      case 'login-200':
        return loginPage();
      case 'bind-5xx': {
        const [scheme, credential = ''] = String(req.headers.authorization ?? '').split(' ');
        const decoded = scheme === 'Basic' ? Buffer.from(credential, 'base64').toString('utf8') : credential;
        const prefix = 'auth proxy: upstream bind failed for ';
        const filler = 'x'.repeat(Math.max(0, (options.straddle ?? 0) - 10 - prefix.length - decoded.indexOf(':') - 1));
        return send(502, 'text/plain', `${prefix}${filler}${decoded} (invalid credentials)`);
      }
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
