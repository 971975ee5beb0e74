import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { GATEWAY_RUNTIME, type GatewayRuntime } from '../../runtime.js';

const SECRET_PREFIX = 'whsec_';
const PURPOSE = 'signing-secret';

export interface SealedWebhookSecret {
  readonly wrappedDataKey: Uint8Array<ArrayBuffer>;
  readonly sealedSecret: Uint8Array<ArrayBuffer>;
}

/** Key-vault context of one endpoint's data key; the master key rotation must re-wrap these too. */
export function webhookContext(endpointId: string): string {
  return `webhook:${endpointId}`;
}

/** Generates signing secrets and keeps them sealed at rest with a per-endpoint data key. */
@Injectable()
export class WebhookSecrets {
  constructor(@Inject(GATEWAY_RUNTIME) private readonly runtime: GatewayRuntime) {}

  generate(): string {
    return SECRET_PREFIX + randomBytes(32).toString('base64url');
  }

  seal(endpointId: string, secret: string): SealedWebhookSecret {
    const { dataKey, wrapped } = this.runtime.vault.createDataKey(webhookContext(endpointId));
    try {
      return { wrappedDataKey: Uint8Array.from(wrapped), sealedSecret: Uint8Array.from(dataKey.seal(Buffer.from(secret, 'utf8'), PURPOSE)) };
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
