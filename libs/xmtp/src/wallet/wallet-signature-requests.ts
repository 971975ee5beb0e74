import { IdentifierKind, type Client, type ClientOptions, type Identifier, type Signer } from '@xmtp/node-sdk';
import { hexToBytes, isAddress, recoverMessageAddress, type Hex } from 'viem';
import { IdentityBusyError } from '../pool/errors.js';
import type { InstallationPool } from '../pool/installation-pool.js';
import type { SignatureRequest, XmtpEnv } from '../sdk/adapter.js';
import { xmtpSdk } from '../sdk/xmtp-sdk.js';
import type { IdentityLocks, PoolLogger } from '../pool/types.js';

/** Who signs for a wallet-owned identity: an externally owned account, or a smart contract wallet (XIP-44) on a chain. */
export type WalletSignerRef = { kind: 'eoa'; address: string } | { kind: 'scw'; address: string; chainId: bigint };

export type WalletRequestKind = 'create' | 'revoke';

export interface WalletRequestIssued {
  kind: WalletRequestKind;
  signatureText: string;
  expiresAt: Date;
  /** Inbox the request is about (for `create`: the inbox the new installation joins or creates). */
  inboxId: string;
  /** For `create`: the installation that the signature will register. */
  installationId?: string;
  /** For `create`: whether the inbox exists already (the user has XMTP elsewhere; this adds one installation). */
  inboxExists?: boolean;
  /** For `create`: installations the inbox has now (the signature adds one; the network allows 10). */
  installationCount?: number;
  /** For `revoke`: the installations the signature will revoke. */
  installationIds?: string[];
}

export interface WalletRequestCompleted {
  kind: WalletRequestKind;
  inboxId: string;
  installationId?: string;
  installationIds?: string[];
}

export interface WalletSignatureRequestsOptions {
  env: XmtpEnv;
  apiUrl?: string;
  pool: InstallationPool;
  locks: IdentityLocks;
  /** How long a signature request waits for its signature. Default 15 minutes. */
  ttlMs?: number;
  /** Most requests this process keeps waiting at once (each may hold a built client); more are refused. Default 1000. */
  maxPending?: number;
  logger?: PoolLogger;
}

/** Why a request cannot be completed; `code` tells callers which answer to give. */
export class WalletSignatureError extends Error {
  constructor(
    readonly code:
      | 'no_pending_request'
      | 'signature_mismatch'
      | 'scw_unverifiable'
      | 'invalid_signer'
      | 'network_rejected'
      | 'too_many_pending',
    message: string,
  ) {
    super(message);
    this.name = 'WalletSignatureError';
  }
}

interface Pending {
  kind: WalletRequestKind;
  signer: WalletSignerRef;
  text: string;
  expiresAt: number;
  timer: NodeJS.Timeout;
  issued: WalletRequestIssued;
  /** Set for `create`: the unregistered client whose installation key the text names (holds the identity's lock). */
  client?: Client<unknown>;
  /** Set for `revoke`: the request built without a client. */
  handle?: SignatureRequest;
  /** The signature the deferred signer hands to the SDK when it asks. */
  signature?: Uint8Array;
}

const DEFAULT_TTL_MS = 15 * 60_000;

/**
 * Signature requests for wallet-owned identities, whose wallet key never reaches Mailroom. `begin` builds the
 * installation (unregistered) and answers the text the wallet must sign; `complete` registers it with the wallet's
 * signature. A pending request lives in this process only (the SDK keeps it in memory) and holds the identity's lock,
 * so requests for the identity reach this replica; it expires, and after a restart `begin` issues a new text.
 * Revocation uses the same pattern without a client.
 */
const DEFAULT_MAX_PENDING = 1_000;

export class WalletSignatureRequests {
  readonly #options: WalletSignatureRequestsOptions;
  readonly #pending = new Map<string, Pending>();
  readonly #ttlMs: number;

  constructor(options: WalletSignatureRequestsOptions) {
    this.#options = options;
    this.#ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
    options.locks.onLost(() => {
      for (const id of [...this.#pending.keys()]) this.#drop(id, false);
    });
  }

  /** Validates a signer reference; throws WalletSignatureError('invalid_signer') with the reason. */
  static checkSigner(signer: { type: string; address: string; chainId?: number | string | bigint }): WalletSignerRef {
    const address = String(signer.address ?? '').toLowerCase();
    if (!isAddress(address, { strict: false }))
      throw new WalletSignatureError('invalid_signer', 'signer.address must be a 0x-prefixed 20-byte hex address');
    if (signer.type === 'eoa') {
      if (signer.chainId !== undefined)
        throw new WalletSignatureError(
          'invalid_signer',
          'signer.chainId is only for smart contract wallets (type "scw")',
        );
      return { kind: 'eoa', address };
    }
    if (signer.type === 'scw') {
      let chainId: bigint;
      try {
        chainId = BigInt(signer.chainId as never);
      } catch {
        throw new WalletSignatureError(
          'invalid_signer',
          'signer.chainId is required for a smart contract wallet (XIP-44) and must be a positive integer',
        );
      }
      if (chainId <= 0n) throw new WalletSignatureError('invalid_signer', 'signer.chainId must be a positive integer');
      return { kind: 'scw', address, chainId };
    }
    throw new WalletSignatureError('invalid_signer', 'signer.type must be "eoa" or "scw"');
  }

  /**
   * Refuses a new request when this process already keeps its most (a request replacing the identity's own is fine).
   * Callers that create rows for a request check first, so a refusal leaves nothing behind.
   */
  checkRoom(identityId: string): void {
    const max = this.#options.maxPending ?? DEFAULT_MAX_PENDING;
    if (!this.#pending.has(identityId) && this.#pending.size >= max) {
      throw new WalletSignatureError(
        'too_many_pending',
        `this gateway process already keeps ${max} signature requests waiting; retry later`,
      );
    }
  }

  /** The pending request of an identity, if this process holds one that has not expired. */
  pending(identityId: string): WalletRequestIssued | undefined {
    const pending = this.#pending.get(identityId);
    return pending && pending.expiresAt > Date.now() ? pending.issued : undefined;
  }

  /**
   * Builds the identity's installation without registering it and answers the text its wallet must sign: "create the
   * inbox and add this installation", or "add this installation" when the wallet already has an inbox. Answers the
   * pending request again while it has not expired.
   * @throws IdentityBusyError another process holds the identity
   */
  async beginCreate(
    identityId: string,
    signer: WalletSignerRef,
    storage: { dbPath: string; dbEncryptionKey: Uint8Array },
  ): Promise<WalletRequestIssued> {
    const current = this.pending(identityId);
    if (current?.kind === 'create') return current;
    this.checkRoom(identityId);
    this.#drop(identityId, true);
    await this.#options.pool.release(identityId);
    if (!(await this.#options.locks.tryAcquire(identityId))) throw new IdentityBusyError(identityId);
    let client: Client<unknown> | undefined;
    try {
      const pending = { signer } as Pending;
      client = await xmtpSdk().sdk.Client.create(this.#deferredSigner(pending), {
        ...this.#clientOptions(storage),
        disableAutoRegister: true,
      });
      const handle = await client.unsafe_createInboxSignatureRequest();
      if (!handle)
        throw new WalletSignatureError('network_rejected', 'the installation is registered already; nothing to sign');
      const text = await handle.signatureText();
      const state = await client.preferences.fetchInboxState().catch(() => undefined);
      const issued: WalletRequestIssued = {
        kind: 'create',
        signatureText: text,
        expiresAt: new Date(Date.now() + this.#ttlMs),
        inboxId: client.inboxId,
        installationId: client.installationId,
        inboxExists: state !== undefined && state.installations.length > 0,
        installationCount: state?.installations.length ?? 0,
      };
      this.#remember(identityId, Object.assign(pending, { kind: 'create' as const, text, client, issued }));
      return issued;
    } catch (error) {
      if (client) xmtpSdk().closeClientDatabase(client);
      await this.#options.locks.release(identityId);
      throw error;
    }
  }

  /** A request to revoke installations of the wallet's inbox (no client needed). */
  async beginRevoke(
    identityId: string,
    signer: WalletSignerRef,
    inboxId: string,
    installationIds: string[],
  ): Promise<WalletRequestIssued> {
    if (this.#pending.get(identityId)?.kind === 'create')
      throw new WalletSignatureError('network_rejected', 'the identity still waits for its creation signature');
    this.checkRoom(identityId);
    this.#drop(identityId, true);
    const handle = await xmtpSdk().revokeInstallationsRequest(
      this.#node(),
      walletIdentifier(signer),
      inboxId,
      installationIds.map((id) => hexToBytes(`0x${id}`)),
    );
    const text = await handle.signatureText();
    const issued: WalletRequestIssued = {
      kind: 'revoke',
      signatureText: text,
      expiresAt: new Date(Date.now() + this.#ttlMs),
      inboxId,
      installationIds,
    };
    this.#remember(identityId, { kind: 'revoke', signer, text, handle, issued } as Pending);
    return issued;
  }

  /**
   * Completes the identity's pending request with the wallet's signature (0x hex). EOA signatures are checked against
   * the text locally first; smart contract wallet signatures are verified by the network (ERC-1271 / ERC-6492).
   */
  async complete(identityId: string, signatureHex: Hex): Promise<WalletRequestCompleted> {
    const pending = this.#pending.get(identityId);
    if (!pending || pending.expiresAt <= Date.now()) {
      if (pending) this.#drop(identityId, true);
      throw new WalletSignatureError(
        'no_pending_request',
        'there is no signature request waiting in this gateway (it expired, or the gateway restarted); request a new text to sign',
      );
    }
    const signature = hexToBytes(signatureHex);
    if (pending.signer.kind === 'eoa') {
      const recovered = await recoverMessageAddress({ message: pending.text, signature: signatureHex }).catch(
        () => undefined,
      );
      if (recovered?.toLowerCase() !== pending.signer.address) {
        throw new WalletSignatureError(
          'signature_mismatch',
          `the signature is not ${pending.signer.address}'s signature of the requested text`,
        );
      }
    }
    pending.signature = signature;
    try {
      if (pending.kind === 'create') {
        const client = pending.client!;
        await client.register();
        const completed = { kind: 'create' as const, inboxId: client.inboxId, installationId: client.installationId };
        this.#drop(identityId, true);
        this.#options.logger?.info(
          { identityId, inboxId: completed.inboxId, installationId: completed.installationId },
          'wallet-owned installation registered',
        );
        return completed;
      }
      const handle = pending.handle!;
      await addSignature(handle, pending.signer, signature);
      await xmtpSdk().applySignedRequest(this.#node(), handle);
      this.#drop(identityId, true);
      return { kind: 'revoke', inboxId: pending.issued.inboxId, installationIds: pending.issued.installationIds };
    } catch (error) {
      pending.signature = undefined;
      throw translate(error, pending.signer);
    }
  }

  /** Forgets the identity's pending request (closing its unregistered client and releasing its lock). */
  async cancel(identityId: string): Promise<void> {
    this.#drop(identityId, true);
  }

  /** Drops every pending request (shutdown). */
  close(): void {
    for (const id of [...this.#pending.keys()]) this.#drop(id, true);
  }

  #remember(identityId: string, pending: Pending): void {
    pending.expiresAt = pending.issued.expiresAt.getTime();
    pending.timer = setTimeout(() => this.#drop(identityId, true), this.#ttlMs);
    pending.timer.unref();
    this.#pending.set(identityId, pending);
  }

  #drop(identityId: string, releaseLock: boolean): void {
    const pending = this.#pending.get(identityId);
    if (!pending) return;
    this.#pending.delete(identityId);
    clearTimeout(pending.timer);
    if (pending.client) {
      try {
        xmtpSdk().closeClientDatabase(pending.client);
      } catch (error) {
        this.#options.logger?.warn({ err: error, identityId }, 'closing a pending client failed');
      }
      if (releaseLock) void this.#options.locks.release(identityId);
    }
  }

  /** The SDK asks its signer to sign the request text; this one hands over the wallet's signature once it arrived. */
  #deferredSigner(pending: Pending): Signer {
    const identifier = () => walletIdentifier(pending.signer);
    const signMessage = async (text: string) => {
      if (!pending.signature) throw new WalletSignatureError('no_pending_request', 'the wallet has not signed yet');
      if (text !== pending.text)
        throw new WalletSignatureError(
          'signature_mismatch',
          'the SDK asked to sign a different text than the one issued',
        );
      return pending.signature;
    };
    if (pending.signer.kind === 'scw') {
      const chainId = pending.signer.chainId;
      return { type: 'SCW', getIdentifier: identifier, signMessage, getChainId: () => chainId };
    }
    return { type: 'EOA', getIdentifier: identifier, signMessage };
  }

  #clientOptions(storage: { dbPath: string; dbEncryptionKey: Uint8Array }): ClientOptions {
    return {
      ...xmtpSdk().clientNetworkOptions(this.#options.env, this.#options.apiUrl),
      dbPath: storage.dbPath,
      dbEncryptionKey: storage.dbEncryptionKey,
      disableDeviceSync: true,
      historySyncUrl: null,
    };
  }

  #node(): { env: XmtpEnv; apiUrl?: string } {
    return { env: this.#options.env, apiUrl: this.#options.apiUrl };
  }
}

function walletIdentifier(signer: WalletSignerRef): Identifier {
  return { identifier: signer.address, identifierKind: IdentifierKind.Ethereum };
}

async function addSignature(handle: SignatureRequest, signer: WalletSignerRef, signature: Uint8Array): Promise<void> {
  if (signer.kind === 'scw') await handle.addScwSignature(walletIdentifier(signer), signature, signer.chainId);
  else await handle.addEcdsaSignature(signature);
}

/** Names why the network refused; a smart contract wallet refusal says that the signature could not be verified. */
function translate(error: unknown, signer: WalletSignerRef): Error {
  if (error instanceof WalletSignatureError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (signer.kind === 'scw') {
    return new WalletSignatureError(
      'scw_unverifiable',
      `the XMTP network did not verify the smart contract wallet signature of ${signer.address} on chain ${signer.chainId} ` +
        `(XIP-44 ERC-1271/ERC-6492 check): ${message}`,
    );
  }
  return new WalletSignatureError('network_rejected', `the XMTP network refused the signature: ${message}`);
}
