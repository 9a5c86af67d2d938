/**
 * Collects container metrics from Splunk's export search endpoint
 * (`POST /services/search/v2/jobs/export`, `output_mode=json`): one JSON object
 * per line, parsed as the stream arrives.
 */
import type { DropCounts, PartialSample } from '../../core/model';
import { METRIC_NAMES } from '../../core/model';
import { countDrop } from '../../core/merge';
import type { CollectWindow, Deadline, MetricSource, SecretProvider, SourceBatch, VersionedSecret } from '../../core/ports';
import { splunkAuthorization } from '../http/authorization';
import { AuthRejectedError, defaultFetch, describeErrorBody, readErrorBody, readLines, requestTimeoutMs, upstreamExcerpt, withCredentialRetry, type FetchLike } from '../http';

export interface SplunkSourceOptions {
  baseUrl: string;
  spl: string;
  authScheme: 'bearer' | 'basic';
  /** Vault path of the credential: `{token}` or `{username, password}`. */
  secretPath: string;
  /** Upper bound for one search request. */
  maxRequestMs?: number;
}

/** The search failed on Splunk's side; the message is Splunk's. */
export class SplunkSearchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SplunkSearchError';
  }
}

interface ExportLine {
  preview?: boolean;
  result?: Record<string, unknown>;
  messages?: Array<{ type?: string; text?: string }>;
}

function messagesText(messages: ExportLine['messages'], types: string[]): string | undefined {
  const hits = (messages ?? []).filter((m) => types.includes(String(m.type).toUpperCase()));
  return hits.length ? hits.map((m) => `${m.type}: ${m.text}`).join('; ') : undefined;
}

/** Splunk's `_time`: epoch seconds ("1732442400.000") or an ISO string. */
export function parseSplunkTime(value: unknown, fallback: Date): string {
  const text = String(value ?? '');
  const seconds = Number(text);
  const ms = text && Number.isFinite(seconds) ? seconds * 1000 : Date.parse(text);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : fallback.toISOString();
}

/** Maps one result row to a partial sample; values stay numbers even when unusable, so the merge step counts them. */
export function rowToSample(row: Record<string, unknown>, window: CollectWindow): PartialSample | undefined {
  const containerId = String(row.container_id ?? '').trim();
  if (!containerId) return undefined;
  const metrics: PartialSample['metrics'] = {};
  for (const m of METRIC_NAMES) {
    const raw = row[m];
    if (raw === undefined || raw === null || raw === '') continue;
    metrics[m] = Number(raw);
  }
  return {
    containerId,
    service: String(row.service ?? ''),
    cluster: String(row.cluster ?? ''),
    timestamp: parseSplunkTime(row._time, window.latest),
    metrics,
    source: 'splunk',
  };
}

export class SplunkSource implements MetricSource {
  readonly name = 'splunk' as const;
  private readonly fetchFn: FetchLike;

  constructor(
    private readonly options: SplunkSourceOptions,
    private readonly deps: { secrets: SecretProvider; fetch?: FetchLike },
  ) {
    this.fetchFn = deps.fetch ?? defaultFetch;
  }

  async collect(window: CollectWindow, deadline: Deadline): Promise<SourceBatch> {
    const { value, secret, recovered } = await withCredentialRetry(this.deps.secrets, this.options.secretPath, (s) => this.search(s, window, deadline));
    return { ...value, source: 'splunk', secretVersion: secret.version, recoveredFromRotation: recovered };
  }

  private authorization(secret: VersionedSecret): string {
    return splunkAuthorization(this.options.authScheme, secret);
  }

  private async search(secret: VersionedSecret, window: CollectWindow, deadline: Deadline): Promise<Pick<SourceBatch, 'rawRows' | 'samples' | 'dropped'>> {
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
      signal: AbortSignal.timeout(requestTimeoutMs(deadline, this.options.maxRequestMs ?? 60_000, 'the Splunk search')),
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

    const rawRows: unknown[] = [];
    const samples: PartialSample[] = [];
    const dropped: DropCounts = {};
    let lines = 0;
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
      if (parsed.preview === true || !parsed.result) continue;
      rawRows.push(parsed.result);
      const sample = rowToSample(parsed.result, window);
      if (sample) samples.push(sample);
      else countDrop(dropped, 'missing_id');
    }
    if (lines === 0) throw new SplunkSearchError('Splunk returned an empty response (200 with no results and no messages): check the index and SPL');
    return { rawRows, samples, dropped };
  }
}
