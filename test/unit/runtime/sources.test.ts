import { createSourcesFrom } from '../../../src/runtime/sources';
import { DEFAULT_DYNATRACE_DIMENSIONS, DEFAULT_DYNATRACE_METRICS, DEFAULT_SPLUNK_FIELDS } from '../../../src/config/source-defaults';
import { RotatingSecrets } from '../../support/secrets';

const splunk = { baseUrl: 'https://splunk.example.com:8089', index: 'i', spl: 'search index=i', lookbackMinutes: 10, authScheme: 'bearer' as const, fields: DEFAULT_SPLUNK_FIELDS };
const dynatrace = { environmentUrl: 'https://abc.live.dynatrace.com', resolution: '1m', entitySelector: 'type(CONTAINER_GROUP_INSTANCE)', dimensions: DEFAULT_DYNATRACE_DIMENSIONS, metrics: DEFAULT_DYNATRACE_METRICS };
const paths = { splunk: 's', dynatrace: 'd' };

describe('createSourcesFrom', () => {
  it('asks both sources with the default mapping', () => {
    expect(createSourcesFrom({ splunk, dynatrace }, paths, new RotatingSecrets({})).map((s) => s.name)).toEqual(['splunk', 'dynatrace']);
  });

  it('does not ask Dynatrace when no metric is mapped to it (an empty selector list is a 400)', () => {
    expect(createSourcesFrom({ splunk, dynatrace: { ...dynatrace, metrics: {} } }, paths, new RotatingSecrets({})).map((s) => s.name)).toEqual(['splunk']);
  });
});
