/**
 * Reads and updates the action ledger with conditional writes: a concurrent or
 * retried run that changed it first makes our write fail, and we re-read and
 * re-decide instead of acting on stale state.
 */
import { emptyLedger, LedgerUnreadableError, parseLedger, type ActionLedger } from '../core/ledger';
import { PreconditionFailedError, type ObjectStore, type StoredObject, type WriteCondition } from './ports';

export const LEDGER_WRITE_ATTEMPTS = 5;

export class LedgerConflictError extends Error {
  constructor(key: string, attempts: number) {
    super(`action ledger ${key} kept changing under us (${attempts} conditional writes lost); not acting on stale state`);
    this.name = 'LedgerConflictError';
  }
}

/** Where the ledger lives, and the configured services a version-1 ledger migrates onto. */
export interface LedgerLocation {
  store: ObjectStore;
  key: string;
  services: ReadonlyArray<{ cluster: string; name: string }>;
}

const decode = (loc: LedgerLocation, current: StoredObject | undefined): ActionLedger =>
  current ? parseLedger(new TextDecoder().decode(current.body), loc.services) : emptyLedger();

async function writeIf(loc: LedgerLocation, current: StoredObject | undefined, ledger: ActionLedger): Promise<boolean> {
  const condition: WriteCondition = current ? { ifMatch: current.etag } : { ifNoneMatch: '*' };
  try {
    await loc.store.put(loc.key, new TextEncoder().encode(JSON.stringify(ledger)), { condition, contentType: 'application/json' });
    return true;
  } catch (e) {
    if (e instanceof PreconditionFailedError) return false;
    throw e;
  }
}

/**
 * Applies `mutate` to the freshest ledger and writes it back conditionally,
 * retrying from a fresh read when another writer won. `mutate` must be pure:
 * it may run more than once.
 */
export async function updateLedger<T>(loc: LedgerLocation, mutate: (ledger: ActionLedger) => { ledger: ActionLedger; result: T }): Promise<T> {
  for (let attempt = 1; attempt <= LEDGER_WRITE_ATTEMPTS; attempt++) {
    const current = await loc.store.get(loc.key);
    const { ledger: next, result } = mutate(structuredClone(decode(loc, current)));
    if (await writeIf(loc, current, next)) return result;
  }
  throw new LedgerConflictError(loc.key, LEDGER_WRITE_ATTEMPTS);
}

export async function readLedger(loc: LedgerLocation): Promise<ActionLedger> {
  return decode(loc, await loc.store.get(loc.key));
}

/**
 * Makes the ledger readable before a run acts. An unreadable one (corrupt,
 * `null`, a version we cannot migrate) is copied aside for a person to look
 * at and replaced by a fresh ledger carrying a notice, so the run can still
 * alert and act within bounds instead of failing every five minutes. Returns
 * the problem when it reset the ledger.
 */
export async function resetUnreadableLedger(loc: LedgerLocation, runId: string, now: Date): Promise<string | undefined> {
  for (let attempt = 1; attempt <= LEDGER_WRITE_ATTEMPTS; attempt++) {
    const current = await loc.store.get(loc.key);
    let problem: string;
    try {
      decode(loc, current);
      return undefined;
    } catch (e) {
      if (!(e instanceof LedgerUnreadableError) || !current) throw e;
      problem = e.problem;
    }
    const keptAs = loc.key.replace(/\.json$/, `.unreadable-${runId}.json`);
    await loc.store.put(keptAs, current.body, { contentType: 'application/octet-stream' });
    const fresh = emptyLedger();
    fresh.notices.ledgerReset = { at: now.toISOString(), keptAs, problem, notified: false };
    if (await writeIf(loc, current, fresh)) return problem;
  }
  throw new LedgerConflictError(loc.key, LEDGER_WRITE_ATTEMPTS);
}
