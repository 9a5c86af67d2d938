/** Vault failures that name the path and the cause, never a secret value. */
export type VaultFailure = 'sealed' | 'permission-denied' | 'not-found' | 'deleted' | 'destroyed' | 'missing-key' | 'cas-mismatch' | 'unreachable' | 'unexpected';

export class VaultError extends Error {
  constructor(
    message: string,
    readonly failure: VaultFailure,
    readonly path: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'VaultError';
  }
}

/** Vault's own error strings from a JSON error body (`{"errors":[...]}`), whitespace folded. */
export function vaultErrors(body: unknown): string {
  const errors = (body as { errors?: unknown } | undefined)?.errors;
  if (!Array.isArray(errors) || errors.length === 0) return '';
  return errors.map((e) => String(e).replace(/\s+/g, ' ').trim()).join('; ');
}
