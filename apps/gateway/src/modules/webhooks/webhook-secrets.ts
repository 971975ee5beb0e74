import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { GATEWAY_RUNTIME, type GatewayRuntime } from '../../runtime.js';

const SECRET_PREFIX = 'whsec_';
const PURPOSE = 'signing-secret';

export interface SealedWebhookSecret {
  readonly wrappedDataKey: Uint8Array<ArrayBuffer>;
  readonly sealedSecret: Uint8Array<ArrayBuffer>;
}

/** A rotation's sealed state: both secrets under one fresh data key, the previous one signing until `previousSecretUntil`. */
export interface SealedRotation extends SealedWebhookSecret {
  readonly previousSealedSecret: Uint8Array<ArrayBuffer> | null;
  readonly previousSecretUntil: Date | null;
}

/** An endpoint's sealed secrets as stored (the previous ones only after a rotation). */
export interface SealedEndpointSecrets {
  readonly wrappedDataKey: Uint8Array;
  readonly sealedSecret: Uint8Array;
  readonly previousSealedSecret?: Uint8Array | null;
  readonly previousSecretUntil?: Date | null;
}

/** Key-vault context of one endpoint's data key; the master key rotation must re-wrap these too. */
export function webhookContext(endpointId: string): string {
  return `webhook:${endpointId}`;
}

/** Generates signing secrets and keeps them sealed at rest with a per-endpoint data key. */
@Injectable()
export class WebhookSecrets {
  constructor(@Inject(GATEWAY_RUNTIME) private readonly runtime: GatewayRuntime) {}

  /**
   * `whsec_` + standard base64 of 32 random bytes, as Standard Webhooks verifiers decode it. Secrets issued before
   * were base64url: they still sign (decoded leniently), but strict verifiers reject those containing `-` or `_`.
   */
  generate(): string {
    return SECRET_PREFIX + randomBytes(32).toString('base64');
  }

  seal(endpointId: string, secret: string): SealedWebhookSecret {
    const { dataKey, wrapped } = this.runtime.vault.createDataKey(webhookContext(endpointId));
    try {
      return {
        wrappedDataKey: Uint8Array.from(wrapped),
        sealedSecret: Uint8Array.from(dataKey.seal(Buffer.from(secret, 'utf8'), PURPOSE)),
      };
    } finally {
      dataKey.destroy();
    }
  }

  /** A new secret for a rotation, sealed beside the current one for WEBHOOK_SECRET_OVERLAP_SECONDS. */
  rotate(endpointId: string, current: SealedEndpointSecrets): { secret: string; sealed: SealedRotation } {
    const secret = this.generate();
    return {
      secret,
      sealed: this.sealRotation(endpointId, current, secret, this.runtime.config.webhooks.secretOverlapSeconds),
    };
  }

  /**
   * Seals a new secret and, when `overlapSeconds` > 0, the current one beside it under the same fresh data key, so
   * both sign until the overlap ends.
   */
  sealRotation(
    endpointId: string,
    current: SealedEndpointSecrets,
    next: string,
    overlapSeconds: number,
    now = new Date(),
  ): SealedRotation {
    const previous = overlapSeconds > 0 ? this.open(endpointId, current) : undefined;
    const { dataKey, wrapped } = this.runtime.vault.createDataKey(webhookContext(endpointId));
    try {
      const seal = (secret: string) => Uint8Array.from(dataKey.seal(Buffer.from(secret, 'utf8'), PURPOSE));
      return {
        wrappedDataKey: Uint8Array.from(wrapped),
        sealedSecret: seal(next),
        previousSealedSecret: previous === undefined ? null : seal(previous),
        previousSecretUntil: previous === undefined ? null : new Date(now.getTime() + overlapSeconds * 1000),
      };
    } finally {
      dataKey.destroy();
    }
  }

  readonly #signing = new OpenedSigningSecrets();

  /**
   * The secrets that sign now: the current one first, then the previous one while its overlap lasts. Opened secrets
   * are kept in memory briefly (OpenedSigningSecrets), so a busy endpoint does not unwrap its data key per delivery.
   */
  openSigning(endpointId: string, sealed: SealedEndpointSecrets, now = new Date()): string[] {
    const cached = this.#signing.get(endpointId, sealed, now);
    if (cached) return cached;
    const secrets = this.#openSigningNow(endpointId, sealed, now);
    this.#signing.set(endpointId, sealed, secrets, now);
    return secrets;
  }

  #openSigningNow(endpointId: string, sealed: SealedEndpointSecrets, now: Date): string[] {
    const dataKey = this.runtime.vault.unwrapDataKey(sealed.wrappedDataKey, webhookContext(endpointId));
    try {
      const secrets = [dataKey.open(sealed.sealedSecret, PURPOSE).toString('utf8')];
      if (sealed.previousSealedSecret && sealed.previousSecretUntil && sealed.previousSecretUntil > now) {
        secrets.push(dataKey.open(sealed.previousSealedSecret, PURPOSE).toString('utf8'));
      }
      return secrets;
    } finally {
      dataKey.destroy();
    }
  }

  open(endpointId: string, sealed: { wrappedDataKey: Uint8Array; sealedSecret: Uint8Array }): string {
    const dataKey = this.runtime.vault.unwrapDataKey(sealed.wrappedDataKey, webhookContext(endpointId));
    try {
      return dataKey.open(sealed.sealedSecret, PURPOSE).toString('utf8');
    } finally {
      dataKey.destroy();
    }
  }
}

const SIGNING_CACHE_MS = 60_000;
const SIGNING_CACHE_ENTRIES = 10_000;

interface OpenedEntry {
  readonly sealedSecret: Uint8Array;
  readonly previousSealedSecret: Uint8Array | null;
  readonly previousSecretUntil: number | null;
  readonly secrets: readonly string[];
  readonly expiresAt: number;
}

/**
 * Opened signing secrets per endpoint for a minute, valid only while the endpoint's sealed bytes are the ones they
 * were opened from (a rotation or a new secret misses); the previous secret drops out when its overlap ends.
 */
export class OpenedSigningSecrets {
  readonly #entries = new Map<string, OpenedEntry>();

  get(endpointId: string, sealed: SealedEndpointSecrets, now: Date): string[] | undefined {
    const entry = this.#entries.get(endpointId);
    if (!entry) return undefined;
    const previous = sealed.previousSealedSecret ?? null;
    const fresh =
      entry.expiresAt > now.getTime() &&
      sameBytes(entry.sealedSecret, sealed.sealedSecret) &&
      (previous === null ? entry.previousSealedSecret === null : sameBytes(entry.previousSealedSecret, previous)) &&
      entry.previousSecretUntil === (sealed.previousSecretUntil?.getTime() ?? null);
    if (!fresh) {
      this.#entries.delete(endpointId);
      return undefined;
    }
    // Opened after the overlap ended, the set holds the current secret only; time does not bring the previous back.
    const previousSigns = entry.previousSecretUntil !== null && entry.previousSecretUntil > now.getTime();
    return previousSigns ? [...entry.secrets] : entry.secrets.slice(0, 1);
  }

  set(endpointId: string, sealed: SealedEndpointSecrets, secrets: readonly string[], now: Date): void {
    this.#entries.delete(endpointId);
    if (this.#entries.size >= SIGNING_CACHE_ENTRIES) this.#entries.delete(this.#entries.keys().next().value as string);
    this.#entries.set(endpointId, {
      sealedSecret: Uint8Array.from(sealed.sealedSecret),
      previousSealedSecret: sealed.previousSealedSecret ? Uint8Array.from(sealed.previousSealedSecret) : null,
      previousSecretUntil: sealed.previousSecretUntil?.getTime() ?? null,
      secrets: [...secrets],
      expiresAt: now.getTime() + SIGNING_CACHE_MS,
    });
  }
}

function sameBytes(a: Uint8Array | null, b: Uint8Array): boolean {
  return a !== null && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}
