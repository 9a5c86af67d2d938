import { FleetSim, defaultIncidents, STEP_MS } from '../../../src/sim/fleet';

const start = Date.UTC(2026, 10, 16);

describe('fleet simulator', () => {
  it('is a pure function of seed, container and step', () => {
    const a = new FleetSim({ seed: 7, startMs: start });
    const b = new FleetSim({ seed: 7, startMs: start });
    expect(a.fleetAt(123)).toEqual(b.fleetAt(123));
    expect(new FleetSim({ seed: 8, startMs: start }).fleetAt(123)).not.toEqual(a.fleetAt(123));
    expect(a.containers).toHaveLength(36);
  });

  it('follows a daily wave: the peak hour carries more traffic than the trough', () => {
    const sim = new FleetSim({ seed: 1, startMs: start });
    const c = sim.containers.find((x) => x.service === 'checkout-api')!;
    const at = (hour: number) => sim.sample(c, (hour * 3_600_000) / STEP_MS).net_mbps;
    expect(at(14)).toBeGreaterThan(2 * at(2));
  });

  it('moves the daily wave by waveShiftMs and nothing else', () => {
    const sixHours = 6 * 3_600_000;
    const shifted = new FleetSim({ seed: 1, startMs: start, waveShiftMs: sixHours });
    const later = new FleetSim({ seed: 1, startMs: start + sixHours });
    const plain = new FleetSim({ seed: 1, startMs: start });
    expect(shifted.fleetAt(40).map((c) => c.metrics)).toEqual(later.fleetAt(40).map((c) => c.metrics));
    expect(shifted.fleetAt(40).map((c) => c.metrics)).not.toEqual(plain.fleetAt(40).map((c) => c.metrics));
    expect(shifted.timeOf(40)).toBe(plain.timeOf(40));
  });

  it('injects each incident kind where the incident says, and nowhere else', () => {
    const incidents = defaultIncidents(100);
    const sim = new FleetSim({ seed: 1, startMs: start, incidents });
    const clean = new FleetSim({ seed: 1, startMs: start });
    const byKind = Object.fromEntries(incidents.map((i) => [i.kind, i]));
    const during = (kind: string) => {
      const i = byKind[kind];
      const c = sim.containers.find((x) => x.containerId === i.containerId)!;
      return { hit: sim.sample(c, i.fromStep + 5), normal: clean.sample(c, i.fromStep + 5) };
    };
    expect(during('traffic-surge').hit.net_mbps).toBeGreaterThan(2 * during('traffic-surge').normal.net_mbps);
    expect(during('cpu-runaway').hit.cpu_pct).toBeGreaterThan(during('cpu-runaway').normal.cpu_pct + 10);
    expect(during('outage').hit.net_mbps).toBeLessThan(0.1 * during('outage').normal.net_mbps);
    expect(during('disk-storm').hit.disk_iops).toBeGreaterThan(4 * during('disk-storm').normal.disk_iops);
    const leak = byKind['memory-leak'];
    const lc = sim.containers.find((x) => x.containerId === leak.containerId)!;
    expect(sim.sample(lc, leak.toStep).mem_pct - clean.sample(lc, leak.toStep).mem_pct).toBeGreaterThan(30);
    expect(sim.fleetAt(50)).toEqual(clean.fleetAt(50));
  });

  it('spreads a service’s load over more tasks when it is scaled out', () => {
    const sim = new FleetSim({ seed: 1, startMs: start });
    const c = sim.containers[0];
    const before = sim.sample(c, 168).cpu_pct;
    sim.desired.set(c.service, 6);
    expect(sim.sample(c, 168).cpu_pct).toBeLessThan(before * 0.7);
  });
});
