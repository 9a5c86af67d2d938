import { INCIDENTS, SERVICES } from '../../../bench/lib/incident-plan';
import { LAYOUTS, layoutNamed, STANDARD_LAYOUT } from '../../../bench/lib/fleet-layouts';
import { generateIncidentSet } from '../../../bench/lib/incidents';

describe('fleet layouts of the incident simulator', () => {
  it('the standard layout is the plan itself: its services, containers and incidents', () => {
    expect(STANDARD_LAYOUT.services).toEqual(SERVICES);
    expect(STANDARD_LAYOUT.incidents).toEqual(INCIDENTS);
    expect(STANDARD_LAYOUT.shape).toBe('3/2/2/1');
  });

  it('every layout keeps the ten incidents on containers it has, and the deploy’s api service', () => {
    expect(LAYOUTS.map((l) => l.shape)).toEqual(['3/2/2/1', '3/2/3/1', '3/2/1', '2/2/2', '3/3', '2/1/1/1/1']);
    for (const layout of LAYOUTS) {
      const containers = new Set(layout.services.flatMap((s) => s.containers));
      expect(layout.incidents).toHaveLength(10);
      for (const i of layout.incidents) expect(containers.has(i.container)).toBe(true);
      expect(layout.services.map((s) => s.service)).toContain('api');
    }
  });

  it('plays a layout: its services as groups, a moved incident on its new container, a copied profile under its own name', () => {
    const set = generateIncidentSet(2, 60, layoutNamed('mostly-singletons'));
    expect(new Set(set.rows.map((r) => r.group))).toEqual(new Set(['api', 'worker', 'queue', 'batch', 'web']));
    expect(new Set(set.rows.map((r) => r.key))).toEqual(new Set(['api-1', 'api-2', 'worker-1', 'queue-1', 'batch-1', 'web-1']));
    expect(set.incidents.find((i) => i.label === 'Sunday-night outage')?.container).toBe('queue-1');
    expect(set.incidents.find((i) => i.label === 'daytime outage')?.container).toBe('api-2');
    // The standard layout's set is unchanged by the layouts existing (same rows as without the argument).
    expect(generateIncidentSet(2, 60, STANDARD_LAYOUT).rows).toEqual(generateIncidentSet(2, 60).rows);
  });

  it('refuses an unknown layout, naming the known ones', () => {
    expect(() => layoutNamed('triples')).toThrow("unknown fleet layout 'triples' (one of: standard, batch-of-three, lone-batch, pairs, two-triples, mostly-singletons)");
  });
});
