/** Bounds of the GraphQL websocket transport. */
export interface WebsocketLimits {
  /** Largest frame (or fragmented message) read; the websocket layer closes with 1009 before buffering a bigger one. */
  readonly maxPayloadBytes: number;
  /** Open sockets of one principal (API key, admin or identity) on this replica. */
  readonly maxSocketsPerCredential: number;
  /** Operations running at once on one socket (subscriptions, plus queries in flight). */
  readonly maxOperationsPerSocket: number;
  /** How often every open socket's credential is authenticated again (revocations, removed or demoted admins). */
  readonly recheckIntervalMs: number;
  /** A socket whose outgoing data has not moved for this long has a reader that stopped reading; it is dropped. */
  readonly stalledSendMs: number;
  /** Ping period; a socket that has not answered the previous ping is dropped. */
  readonly keepAliveMs: number;
}

export const DEFAULT_WEBSOCKET_LIMITS: WebsocketLimits = {
  maxPayloadBytes: 1024 * 1024,
  maxSocketsPerCredential: 20,
  maxOperationsPerSocket: 50,
  recheckIntervalMs: 30_000,
  stalledSendMs: 15_000,
  keepAliveMs: 15_000,
};

/** Close codes this transport uses beyond graphql-ws's own. */
export const WsCloseCode = {
  /** The credential is no longer valid (revoked key, removed admin, expired or ended token). */
  Unauthorized: 4401,
  /** The credential's access changed (an admin's role), or it was never accepted. */
  Forbidden: 4403,
  /** Too many sockets for one credential (graphql-ws clients do not retry it). */
  TooManySockets: 4429,
  MessageTooBig: 1009,
  GoingAway: 1001,
  /** A reader too far behind its subscriptions. */
  PolicyViolation: 1008,
  InternalError: 1011,
} as const;

/** Close reasons are limited to 123 bytes by the protocol. */
export function closeReason(code: string, message: string): string {
  const reason = `${code}: ${message}`;
  const bytes = Buffer.from(reason);
  return bytes.length <= 123
    ? reason
    : bytes
        .subarray(0, 120)
        .toString('utf8')
        .replace(/\uFFFD+$/, '') + '...';
}
