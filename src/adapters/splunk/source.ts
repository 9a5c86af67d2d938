/**
 * Collects container metrics from Splunk's export search endpoint
 * (`POST /services/search/v2/jobs/export`, `output_mode=json`): one JSON object
 * per line, parsed as the stream arrives. Shape (docs.splunk.com, REST API
 * Reference, "search/jobs/export"): `{"preview":bool,"offset":n,"result":{…}}`
 * per row, `"lastrow":true` on the final one, `{"messages":[{type,text}]}` for
 * Splunk's notices and errors.
 */
import type { CollectWindow, Deadline, MetricSource, SecretProvider, SourceBatch, VersionedSecret } from '../../core/ports';
import type { SplunkFieldMap } from '../../config/source-defaults';
import { metricsPresent } from '../../core/merge';
import { splunkAuthorization } from '../http/authorization';
import { AuthRejectedError, clockSkewMs, defaultFetch, describeErrorBody, readErrorBody, readLines, requestSignal, upstreamExcerpt, withCredentialRetry, type FetchLike } from '../http';
import { SplunkRowReader } from './rows';

export { parseSplunkTime } from './rows';

export interface SplunkSourceOptions {
  baseUrl: string;
  spl: string;
  authScheme: 'bearer' | 'basic';
  /** Vault path of the credential: `{token}` or `{username, password}`. */
  secretPath: string;
  /** Which result fields hold the container, service, cluster, time and each metric. */
  fields: SplunkFieldMap;
  /** Upper bound for one search request. */
  maxRequestMs?: number;
}

/** The search failed on Splunk's side, or its answer cannot be used; the message says which. */
export class SplunkSearchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SplunkSearchError';
  }
}

interface ExportLine {
  preview?: boolean;
  offset?: number;
  lastrow?: boolean;
  result?: Record<string, unknown>;
  messages?: Array<{ type?: string; text?: string }>;
}

function messagesText(messages: ExportLine['messages'], types: string[]): string | undefined {
  const hits = (messages ?? []).filter((m) => types.includes(String(m.type).toUpperCase()));
  return hits.length ? hits.map((m) => `${m.type}: ${m.text}`).join('; ') : undefined;
}

export class SplunkSource implements MetricSource {
  readonly name = 'splunk' as const;
  private readonly fetchFn: FetchLike;

  constructor(
    private readonly options: SplunkSourceOptions,
    private readonly deps: { secrets: SecretProvider; fetch?: FetchLike; now?: () => number },
  ) {
    this.fetchFn = deps.fetch ?? defaultFetch;
  }

  async collect(window: CollectWindow, deadline: Deadline, signal?: AbortSignal): Promise<SourceBatch> {
    const { value, secret, recovered } = await withCredentialRetry(this.deps.secrets, this.options.secretPath, (s) => this.search(s, window, deadline, signal));
    return { ...value, source: 'splunk', secretVersion: secret.version, recoveredFromRotation: recovered };
  }

  private authorization(secret: VersionedSecret): string {
    return splunkAuthorization(this.options.authScheme, secret);
  }

  private async search(
    secret: VersionedSecret,
    window: CollectWindow,
    deadline: Deadline,
    signal: AbortSignal | undefined,
  ): Promise<Pick<SourceBatch, 'rawRows' | 'samples' | 'dropped' | 'missingMetrics' | 'stats'>> {
    const url = `${this.options.baseUrl.replace(/\/+$/, '')}/services/search/v2/jobs/export`;
    const form = new URLSearchParams({
      search: this.options.spl,
      output_mode: 'json',
      earliest_time: (window.earliest.getTime() / 1000).toFixed(3),
      latest_time: (window.latest.getTime() / 1000).toFixed(3),
    });
    const res = await this.fetchFn(url, {
      method: 'POST',
      headers: { Authorization: this.authorization(secret), 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: form.toString(),
      signal: requestSignal(deadline, this.options.maxRequestMs ?? 60_000, 'the Splunk search', signal),
    });
    if (res.status === 401 || res.status === 403) {
      await res.body?.cancel();
      throw new AuthRejectedError('Splunk', res.status);
    }
    if (res.status !== 200) {
      const body = await readErrorBody(res);
      let detail: string | undefined;
      try {
        detail = messagesText((JSON.parse(body.text) as ExportLine).messages, ['FATAL', 'ERROR', 'WARN', 'INFO']);
      } catch {
        // Not JSON (a gateway's page): the excerpt shows the body.
      }
      throw new SplunkSearchError(`Splunk rejected the search ${describeErrorBody(body, detail)}`);
    }
    if (!res.body) throw new SplunkSearchError('Splunk returned an empty response (200 with no body)');
    const skew = clockSkewMs(res.headers, (this.deps.now ?? Date.now)());

    const rawRows: unknown[] = [];
    const reader = new SplunkRowReader(this.options.fields);
    const notices: string[] = [];
    let lines = 0;
    let lastRow = false;
    for await (const line of readLines(res.body)) {
      lines++;
      let parsed: ExportLine;
      try {
        parsed = JSON.parse(line) as ExportLine;
      } catch {
        throw new SplunkSearchError(`Splunk sent a line that is not JSON (line ${lines}): ${upstreamExcerpt(line)}`);
      }
      const fatal = messagesText(parsed.messages, ['FATAL', 'ERROR']);
      if (fatal) throw new SplunkSearchError(`Splunk search failed: ${fatal}`);
      const notice = messagesText(parsed.messages, ['WARN', 'INFO']);
      if (notice) notices.push(notice);
      // Preview rows are partial aggregates a reporting search replaces with its final rows.
      if (parsed.preview === true || !parsed.result) continue;
      rawRows.push(parsed.result);
      reader.add(parsed.result);
      if (parsed.lastrow === true) lastRow = true;
    }
    if (lines === 0) throw new SplunkSearchError('Splunk returned an empty response (200 with no results and no messages): check the index and SPL');
    const said = notices.length ? ` (Splunk said: ${notices.join('; ')})` : '';
    if (reader.rows === 0) throw new SplunkSearchError(`Splunk's search returned no rows for the window${said}: check the index, the SPL and the cluster filter`);
    // A stream that stops before the row marked lastrow was cut off (timeout, proxy, search head restart).
    if (!lastRow) throw new SplunkSearchError(`Splunk's result stream ended after ${reader.rows} rows without the row marked lastrow: the result is truncated`);
    const samples = reader.samples();
    const problems = reader.problems();
    if (samples.length === 0) throw new SplunkSearchError(`Splunk returned ${reader.rows} rows but no usable container: ${problems[0] ?? 'every row was dropped'}`);
    return {
      rawRows,
      samples,
      dropped: reader.dropped,
      missingMetrics: reader.missingMetrics(),
      stats: {
        rows: reader.rows,
        containers: samples.length,
        metricsFound: metricsPresent(samples),
        clockSkewMs: skew,
        problems: [...problems, ...notices.map((n) => `Splunk said ${n}`)],
      },
    };
  }
}
