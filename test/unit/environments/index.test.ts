import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { environmentNames, loadEnvironment, loadEnvironments } from '../../../environments';

const schemaPath = join(__dirname, '..', '..', '..', 'environments', 'schema');

function envFile(name: string, body = ''): string {
  return `import { defineEnvironment } from ${JSON.stringify(schemaPath)};
export default defineEnvironment({
  name: ${JSON.stringify(name)},
  aws: { region: 'us-east-1' },
  backend: { bucket: 'tf-state-${name}', region: 'us-east-1' },
  vault: { address: 'https://vault.example.com', pathPrefix: 'ca/${name}' },
  splunk: { baseUrl: 'https://splunk.example.com:8089' },
  dynatrace: { environmentUrl: 'https://abc.live.dynatrace.com' },
  ecs: { clusterName: 'c', services: [{ name: 'api', minTasks: 1, maxTasks: 2 }] },
  ${body}
});
`;
}

describe('environment discovery', () => {
  it('finds dev, prod and staging in the project', () => {
    expect(environmentNames()).toEqual(['dev', 'prod', 'staging']);
    expect(loadEnvironments().map((e) => e.name)).toEqual(['dev', 'prod', 'staging']);
  });

  it('adds an environment from one new file and nothing else', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cad-envs-'));
    writeFileSync(join(dir, 'qa.ts'), envFile('qa'));
    writeFileSync(join(dir, 'schema.ts'), '// not an environment');
    expect(environmentNames(dir)).toEqual(['qa']);
    expect(loadEnvironments(dir)[0]).toMatchObject({ name: 'qa', aws: { region: 'us-east-1' } });
  });

  it('refuses a file whose name differs from the environment it declares', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cad-envs-'));
    writeFileSync(join(dir, 'qa2.ts'), envFile('qa'));
    expect(() => loadEnvironment('qa2', dir)).toThrow('qa2.name: must equal the file name (qa2), got qa');
  });

  it('names the file and field when an environment file is invalid', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cad-envs-'));
    writeFileSync(join(dir, 'perf.ts'), envFile('perf', "logRetentionDays: 9 as 7,"));
    expect(() => loadEnvironment('perf', dir)).toThrow(/perf\.logRetentionDays/);
  });
});
