import { createHmac, timingSafeEqual } from 'node:crypto';

/** Marks a request one replica forwarded to another, so the receiver serves it instead of forwarding it again. */
export const FORWARDED_HEADER = 'x-mailroom-forwarded-by';
/** A seal older (or newer) than this is not trusted: it cannot be replayed for long if it ever leaked. */
const MAX_AGE_MS = 60_000;

/**
 * Seals `x-mailroom-forwarded-by` with a key every replica derives from the shared JWT secret, bound to the request's
 * method and target and to the time, so a client cannot send the header to stop routing (or to pose as a replica).
 */
export class ForwardingSeal {
  private readonly key: Buffer;

  constructor(deploymentSecret: string) {
    this.key = createHmac('sha256', deploymentSecret).update('mailroom replica forwarding seal v1').digest();
  }

  seal(method: string, target: string, now: number = Date.now()): string {
    return `${now}.${this.mac(now, method, target)}`;
  }

  /** Whether the header value is a seal a replica made for this request recently. */
  verify(value: string | string[] | undefined, method: string, target: string, now: number = Date.now()): boolean {
    if (typeof value !== 'string') return false;
    const match = /^(\d{1,15})\.([A-Za-z0-9_-]{43})$/.exec(value);
    if (!match) return false;
    const at = Number(match[1]);
    if (Math.abs(now - at) > MAX_AGE_MS) return false;
    const expected = Buffer.from(this.mac(at, method, target));
    const given = Buffer.from(match[2]!);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  private mac(at: number, method: string, target: string): string {
    return createHmac('sha256', this.key).update(`${at}\n${method.toUpperCase()}\n${target}`).digest('base64url');
  }
}
