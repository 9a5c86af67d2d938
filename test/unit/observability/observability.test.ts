import { createStructuredLog } from '../../../src/observability/logging';
import { RedactionBoundary } from '../../../src/observability/boundary';
import { SecretRedactor } from '../../../src/observability/redaction';
import { EmfMetrics } from '../../../src/observability/metrics';

function captureOutput(fn: () => void): string[] {
  const lines: string[] = [];
  const spies = [
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => { lines.push(String(chunk)); return true; }),
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => { lines.push(String(chunk)); return true; }),
    jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => { lines.push(args.map(String).join(' ')); }),
    jest.spyOn(console, 'info').mockImplementation((...args: unknown[]) => { lines.push(args.map(String).join(' ')); }),
    jest.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => { lines.push(args.map(String).join(' ')); }),
    jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => { lines.push(args.map(String).join(' ')); }),
  ];
  try {
    fn();
  } finally {
    for (const s of spies) s.mockRestore();
  }
  return lines.flatMap((l) => l.split('\n')).filter((l) => l.trim());
}

describe('structured logging', () => {
  it('writes JSON lines with runId, environment and service on every line, and never a secret', () => {
    const redactor = new SecretRedactor();
    redactor.register('dt0c01.SECRETVALUE');
    const structured = createStructuredLog({ environment: 'prod', level: 'DEBUG' });
    const log = new RedactionBoundary(redactor).log(structured);
    const lines = captureOutput(() => {
      structured.setRunContext({ runId: 'run-42' });
      log.info('collected', { containers: 3 });
      log.error('Dynatrace rejected Api-Token dt0c01.SECRETVALUE', { body: { token: 'dt0c01.SECRETVALUE' } });
    });
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      const parsed = JSON.parse(line);
      expect(parsed).toMatchObject({ runId: 'run-42', environment: 'prod', service: 'container-anomaly-detector' });
      expect(line).not.toContain('SECRETVALUE');
    }
    expect(JSON.parse(lines[0])).toMatchObject({ level: 'INFO', message: 'collected', containers: 3 });
  });
});

describe('EMF metrics', () => {
  it('publishes the run’s metrics in the detector namespace with service and environment dimensions', () => {
    const metrics = new EmfMetrics('prod');
    const lines = captureOutput(() => {
      metrics.add('ContainersScored', 'Count', 12);
      metrics.add('ScoreMs', 'Milliseconds', 40);
      metrics.flush();
    });
    const emf = JSON.parse(lines.find((l) => l.includes('_aws'))!);
    expect(emf._aws.CloudWatchMetrics[0]).toMatchObject({ Namespace: 'ContainerAnomalyDetector', Dimensions: [['service', 'environment']] });
    expect(emf).toMatchObject({ service: 'detector', environment: 'prod', ContainersScored: 12, ScoreMs: 40 });
  });
});
