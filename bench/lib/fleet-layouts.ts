/**
 * Other ways to group the simulator's containers into services. Everything the
 * detector knows about peers (a service's shared shift, a deploy, a job a
 * service runs together) depends on how many containers a service has, so
 * judging peers on one layout alone would tune them to it. Each layout
 * regroups the standard plan (incident-plan.ts): the same service profiles and
 * the same ten incidents, moved to a container that exists in the layout.
 * Thursday's deploy always lands on `api`, which every layout keeps.
 */
import { INCIDENTS, SERVICES, type IncidentPlan, type ServicePlan } from './incident-plan';

export interface FleetLayout {
  name: string;
  /** Containers per service, for the table (e.g. "3/2/2/1"). */
  shape: string;
  services: ServicePlan[];
  incidents: IncidentPlan[];
}

interface Regrouping {
  name: string;
  /** Each service's containers (services left out are dropped); `from` copies a standard service's profile under a new name. */
  services: Array<{ service: string; from?: string; containers: string[] }>;
  /** Incidents of a container not in the layout move to another one. */
  moves?: Record<string, string>;
}

const REGROUPINGS: Regrouping[] = [
  {
    name: 'standard',
    services: [
      { service: 'api', containers: ['api-1', 'api-2', 'api-3'] },
      { service: 'worker', containers: ['worker-1', 'worker-2'] },
      { service: 'batch', containers: ['batch-1', 'batch-2'] },
      { service: 'web', containers: ['web-1'] },
    ],
  },
  // The nightly job run by three containers at once: a shift most of a service shares, every night.
  {
    name: 'batch-of-three',
    services: [
      { service: 'api', containers: ['api-1', 'api-2', 'api-3'] },
      { service: 'worker', containers: ['worker-1', 'worker-2'] },
      { service: 'batch', containers: ['batch-1', 'batch-2', 'batch-3'] },
      { service: 'web', containers: ['web-1'] },
    ],
  },
  // The job on a lone container: its own pattern, with no peers to share it.
  {
    name: 'lone-batch',
    services: [
      { service: 'api', containers: ['api-1', 'api-2', 'api-3'] },
      { service: 'worker', containers: ['worker-1', 'worker-2'] },
      { service: 'batch', containers: ['batch-1'] },
    ],
  },
  // Every service a pair: the deploy is two containers, no crowd.
  {
    name: 'pairs',
    services: [
      { service: 'api', containers: ['api-1', 'api-2'] },
      { service: 'worker', containers: ['worker-1', 'worker-2'] },
      { service: 'batch', containers: ['batch-1', 'batch-2'] },
    ],
    moves: { 'api-3': 'api-2' },
  },
  // Two services of three: the disk thrash lands on a worker.
  {
    name: 'two-triples',
    services: [
      { service: 'api', containers: ['api-1', 'api-2', 'api-3'] },
      { service: 'worker', containers: ['worker-1', 'worker-2', 'worker-3'] },
    ],
    moves: { 'batch-1': 'worker-3' },
  },
  // Mostly one container a service: the fleet is the only crowd.
  {
    name: 'mostly-singletons',
    services: [
      { service: 'api', containers: ['api-1', 'api-2'] },
      { service: 'worker', containers: ['worker-1'] },
      { service: 'queue', from: 'worker', containers: ['queue-1'] },
      { service: 'batch', containers: ['batch-1'] },
      { service: 'web', containers: ['web-1'] },
    ],
    moves: { 'api-3': 'api-2', 'worker-2': 'queue-1' },
  },
];

function build(r: Regrouping): FleetLayout {
  const services = r.services.map(({ service, from, containers }) => {
    const profile = SERVICES.find((s) => s.service === (from ?? service));
    if (!profile) throw new Error(`layout ${r.name}: no standard service ${from ?? service}`);
    return { ...profile, service, containers };
  });
  const present = new Set(services.flatMap((s) => s.containers));
  const incidents = INCIDENTS.map((i) => ({ ...i, container: r.moves?.[i.container] ?? i.container }));
  const lost = incidents.find((i) => !present.has(i.container));
  if (lost) throw new Error(`layout ${r.name}: incident '${lost.label}' on ${lost.container}, which it does not have`);
  return { name: r.name, shape: services.map((s) => s.containers.length).join('/'), services, incidents };
}

export const LAYOUTS: readonly FleetLayout[] = REGROUPINGS.map(build);
export const STANDARD_LAYOUT = LAYOUTS[0];
export const LAYOUT_NAMES = LAYOUTS.map((l) => l.name);

export function layoutNamed(name: string): FleetLayout {
  const layout = LAYOUTS.find((l) => l.name === name);
  if (!layout) throw new Error(`unknown fleet layout '${name}' (one of: ${LAYOUT_NAMES.join(', ')})`);
  return layout;
}
