/**
 * The archived form of one run: gzip JSON lines, one record per line, tagged by
 * `record` so one Athena table (JSON SerDe) can read raw rows, samples and the
 * run header side by side. Secrets are not this file's concern: the object
 * store it is written to is wrapped by the redaction boundary
 * (`src/observability/boundary.ts`), which redacts the gzip line by line.
 */
import { createGzip } from 'node:zlib';
import type { ContainerSample, DropCounts, MetricName, SourceName } from '../core/model';

export interface RawSourceRows {
  source: SourceName;
  rows: readonly unknown[];
}

export interface ArchivedRun {
  environment: string;
  runId: string;
  collectedAt: string;
  window: { earliest: string; latest: string };
  raw: readonly RawSourceRows[];
  samples: readonly ContainerSample[];
  dropped: DropCounts;
  sourceErrors: ReadonlyArray<{ source: SourceName; message: string }>;
  degradedMetrics: ReadonlyArray<{ source: SourceName; metric: MetricName; reason: string }>;
}

/** Gzips the text `produce` writes, piece by piece, so it never has to exist as one string. */
export async function gzipPieces(produce: (write: (text: string) => void) => void | Promise<void>): Promise<Uint8Array> {
  const gzip = createGzip();
  const chunks: Buffer[] = [];
  gzip.on('data', (c: Buffer) => chunks.push(c));
  const finished = new Promise<void>((resolve, reject) => {
    gzip.on('end', resolve);
    gzip.on('error', reject);
  });
  await produce((text) => gzip.write(text));
  gzip.end();
  await finished;
  return Buffer.concat(chunks);
}

/** Gzips the run line by line, so a 10,000-container batch never exists as one giant string. */
export function encodeArchive(run: ArchivedRun): Promise<Uint8Array> {
  return gzipPieces((write) => writeRecords(run, (record) => write(JSON.stringify(record) + '\n')));
}

function writeRecords(run: ArchivedRun, line: (record: unknown) => void): void {
  line({
    record: 'run',
    environment: run.environment,
    runId: run.runId,
    collectedAt: run.collectedAt,
    window: run.window,
    dropped: run.dropped,
    sourceErrors: run.sourceErrors,
    degradedMetrics: run.degradedMetrics,
  });
  for (const { source, rows } of run.raw) for (const row of rows) line({ record: 'raw', source, row });
  for (const sample of run.samples) line({ record: 'sample', ...sample });
}
