import type { AuthenticatedOptions, Principal } from '../common/auth/index.js';

/** What an operation demands of its caller, declared once beside the REST route or GraphQL field. */
export interface OperationPolicy extends AuthenticatedOptions {
  /** Any valid credential may call it (operations about the caller itself): no scope or role check. */
  readonly anyCredential?: boolean;
}

/** One call of an operation, as a transport adapter describes it to the pipeline. */
export interface OperationCall {
  /** Stable name, per transport route (`POST /v1/identities/:id/…`, `graphql sendMessage`): idempotency keys live under it. */
  readonly name: string;
  readonly principal: Principal;
  readonly policy: OperationPolicy;
  /** Whether the call changes state (viewers may not; it costs the write weight). */
  readonly write: boolean;
  /** Route parameters or the GraphQL arguments that name resources (the identity among them). */
  readonly params: Readonly<Record<string, string | undefined>>;
  /** Request weight; reads 1 and writes 2 when absent. */
  readonly cost?: number;
  /** Present when the caller sent an idempotency key for an operation that honours one. */
  readonly idempotency?: {
    readonly key: string;
    /** Digest of what the caller asked for; the same key with another request is refused. */
    readonly fingerprint: string;
    /** Status to replay the stored answer with. */
    readonly status: number;
  };
}

export interface OperationOutcome<T> {
  readonly value: T;
  /** True when the value is the stored answer of an earlier call with the same idempotency key. */
  readonly replayed: boolean;
}
