import { KeyVaultError } from './errors.js';

// Labels are joined with "|" and ":" into additional data; restricting their characters keeps every join unambiguous.
const CONTEXT = /^[A-Za-z0-9._-]+(?::[A-Za-z0-9._-]+)*$/;
const PURPOSE = /^[a-z0-9][a-z0-9-]*$/;

/** The context every identity's data key and sealed key material is bound to. */
export function identityContext(identityId: string): string {
  return `identity:${identityId}`;
}

export function assertContext(context: string): void {
  if (!CONTEXT.test(context))
    throw new KeyVaultError('INVALID_LABEL', `context "${context}" must be words of [A-Za-z0-9._-] joined by ":"`);
}

export function assertPurpose(purpose: string): void {
  if (!PURPOSE.test(purpose))
    throw new KeyVaultError('INVALID_LABEL', `purpose "${purpose}" must be lowercase letters, digits and "-"`);
}

/** Additional data of a data key wrapped by the master key. */
export function wrapLabel(context: string): string {
  return `wrap|${context}`;
}

/** Additional data of material sealed by a data key. */
export function sealLabel(context: string, purpose: string): string {
  return `seal|${context}:${purpose}`;
}

export const VERIFIER_LABEL = 'verifier|mailroom-master-key-check';
