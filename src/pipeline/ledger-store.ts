/**
 * Reads and updates the action ledger with conditional writes: a concurrent or
 * retried run that changed it first makes our write fail, and we re-read and
 * re-decide instead of acting on stale state.
 */
import { emptyLedger, parseLedger, type ActionLedger } from '../core/ledger';
import { PreconditionFailedError, type ObjectStore, type WriteCondition } from './ports';

export const LEDGER_WRITE_ATTEMPTS = 5;

export class LedgerConflictError extends Error {
  constructor(key: string, attempts: number) {
    super(`action ledger ${key} kept changing under us (${attempts} conditional writes lost); not acting on stale state`);
    this.name = 'LedgerConflictError';
  }
}

/**
 * Applies `mutate` to the freshest ledger and writes it back conditionally,
 * retrying from a fresh read when another writer won. `mutate` must be pure:
 * it may run more than once.
 */
export async function updateLedger<T>(
  store: ObjectStore,
  key: string,
  mutate: (ledger: ActionLedger) => { ledger: ActionLedger; result: T },
): Promise<T> {
  for (let attempt = 1; attempt <= LEDGER_WRITE_ATTEMPTS; attempt++) {
    const current = await store.get(key);
    const ledger = current ? parseLedger(new TextDecoder().decode(current.body)) : emptyLedger();
    const { ledger: next, result } = mutate(structuredClone(ledger));
    const condition: WriteCondition = current ? { ifMatch: current.etag } : { ifNoneMatch: '*' };
    try {
      await store.put(key, new TextEncoder().encode(JSON.stringify(next)), { condition, contentType: 'application/json' });
      return result;
    } catch (e) {
      if (!(e instanceof PreconditionFailedError)) throw e;
    }
  }
  throw new LedgerConflictError(key, LEDGER_WRITE_ATTEMPTS);
}

export async function readLedger(store: ObjectStore, key: string): Promise<ActionLedger> {
  const current = await store.get(key);
  return current ? parseLedger(new TextDecoder().decode(current.body)) : emptyLedger();
}
