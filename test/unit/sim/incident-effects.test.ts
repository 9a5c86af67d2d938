import { applyIncident, type IncidentContext } from '../../../src/sim/incident-effects';

const load = { traffic: 50, cpu: 40, mem: 45, disk: 100 };
const context = (into: number, length: number): IncidentContext => ({ into, length, cpuFor: (t) => 5 + 0.7 * t, loadShare: 1, noise: () => 0.5 });

describe('incident effects', () => {
  it('ramps a CPU runaway with the incident’s progress, so it means the same at any sampling step', () => {
    // Halfway through: 12 of 24 five-minute steps, or 60 of 120 one-minute steps.
    expect(applyIncident(load, 'cpu-runaway', context(12, 24)).cpu).toBeCloseTo(applyIncident(load, 'cpu-runaway', context(60, 120)).cpu, 9);
    expect(applyIncident(load, 'cpu-runaway', context(12, 24)).cpu).toBeCloseTo(40 + 5 + 2.5 * 12, 9);
    expect(applyIncident(load, 'cpu-runaway', context(23, 24)).cpu).toBe(90);
  });

  it('drops one task’s traffic to about a third, CPU following it', () => {
    const hit = applyIncident(load, 'traffic-drop', context(3, 10));
    expect(hit.traffic).toBeCloseTo(17.5, 9);
    expect(hit.cpu).toBeCloseTo(5 + 0.7 * 17.5, 9);
    expect(hit.mem).toBe(45);
  });

  it('idles a hung process’s CPU and disk while its traffic keeps arriving', () => {
    const hit = applyIncident(load, 'hung-process', context(3, 10));
    expect(hit).toEqual({ traffic: 50, cpu: 1.25, mem: 45, disk: 5 });
  });
});
