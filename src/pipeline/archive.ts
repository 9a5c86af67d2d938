/**
 * The archived form of one run: gzip JSON lines, one record per line, tagged by
 * `record` so one Athena table (JSON SerDe) can read raw rows, samples and the
 * run header side by side.
 */
import { gzipSync } from 'node:zlib';
import type { ContainerSample, DropCounts, SourceName } from '../core/model';

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
}

export function encodeArchive(run: ArchivedRun): Uint8Array {
  const lines: string[] = [
    JSON.stringify({
      record: 'run',
      environment: run.environment,
      runId: run.runId,
      collectedAt: run.collectedAt,
      window: run.window,
      dropped: run.dropped,
      sourceErrors: run.sourceErrors,
    }),
  ];
  for (const { source, rows } of run.raw) for (const row of rows) lines.push(JSON.stringify({ record: 'raw', source, row }));
  for (const sample of run.samples) lines.push(JSON.stringify({ record: 'sample', ...sample }));
  return gzipSync(lines.join('\n') + '\n');
}
