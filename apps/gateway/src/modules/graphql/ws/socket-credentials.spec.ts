import { describe, expect, it } from '@jest/globals';
import { tenantScope } from '@mailroom/persistence';
import type { AdminPrincipal, Authenticator, Principal } from '../../../common/auth/index.js';
import { DomainError, ErrorCode } from '../../../common/errors/index.js';
import { SocketCredentials } from './socket-credentials.js';
import { DEFAULT_WEBSOCKET_LIMITS } from './websocket-limits.js';

const admin = (role: 'owner' | 'admin' | 'viewer'): AdminPrincipal => ({
  type: 'admin',
  tenantId: 't',
  adminId: 'a',
  role,
  scope: tenantScope('t'),
});
const apiKey: Principal = {
  type: 'apiKey',
  tenantId: 't',
  apiKeyId: 'k',
  scopes: ['messages'],
  scope: tenantScope('t'),
};

/** An Authenticator whose answer the test sets; counts calls. */
class ScriptedAuthenticator {
  calls = 0;
  answer: () => Principal = () => apiKey;
  async authenticate(): Promise<Principal> {
    this.calls++;
    return this.answer();
  }
}

function socket() {
  const closes: Array<{ code: number; reason: string }> = [];
  return { closes, close: (code: number, reason: string) => closes.push({ code, reason }) };
}

function registry(authenticator: ScriptedAuthenticator, maxSocketsPerCredential = 20) {
  return new SocketCredentials(authenticator as unknown as Authenticator, () => ({
    ...DEFAULT_WEBSOCKET_LIMITS,
    maxSocketsPerCredential,
  }));
}

const jwtExpiringIn = (seconds: number) =>
  [
    'e30',
    Buffer.from(JSON.stringify({ exp: Math.floor(Date.now() / 1000) + seconds })).toString('base64url'),
    'sig',
  ].join('.');

describe('SocketCredentials', () => {
  it('keeps sockets open through an outage of the credential store, and closes them on a refusal', async () => {
    const authenticator = new ScriptedAuthenticator();
    const credentials = registry(authenticator);
    const live = socket();
    const session = credentials.admit(live, 'mr_key', apiKey)!;
    authenticator.answer = () => {
      throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
    };
    expect(await credentials.recheck(session)).toMatchObject({
      kind: 'unavailable',
      error: { code: 'SERVICE_UNAVAILABLE' },
    });
    authenticator.answer = () => {
      throw new DomainError(ErrorCode.ServiceUnavailable, 'database unavailable');
    };
    await credentials.sweep();
    expect(live.closes).toEqual([]);
    authenticator.answer = () => {
      throw new DomainError(ErrorCode.Unauthenticated, 'The API key is not valid or has been revoked.');
    };
    await credentials.sweep();
    expect(live.closes).toEqual([
      { code: 4401, reason: 'UNAUTHENTICATED: The API key is not valid or has been revoked.' },
    ]);
  });

  it('authenticates each distinct credential once per sweep, and closes a socket whose access changed with 4403', async () => {
    const authenticator = new ScriptedAuthenticator();
    authenticator.answer = () => admin('admin');
    const credentials = registry(authenticator);
    const sockets = [socket(), socket(), socket()];
    for (const s of sockets) credentials.admit(s, 'same-token', admin('admin'));
    await credentials.sweep();
    expect(authenticator.calls).toBe(1);
    authenticator.answer = () => admin('viewer');
    await credentials.sweep();
    expect(sockets.map((s) => s.closes[0]?.code)).toEqual([4403, 4403, 4403]);
  });

  it('caps sockets per principal with 4429 and frees the place when one is released', () => {
    const credentials = registry(new ScriptedAuthenticator(), 2);
    const first = credentials.admit(socket(), 'k1', apiKey)!;
    credentials.admit(socket(), 'k1', apiKey);
    const refused = socket();
    expect(credentials.admit(refused, 'k1', apiKey)).toBeUndefined();
    expect(refused.closes).toEqual([{ code: 4429, reason: 'RATE_LIMITED: at most 2 sockets per credential' }]);
    credentials.release(first);
    expect(credentials.admit(socket(), 'k1', apiKey)).toBeDefined();
  });

  it("closes a token's socket at its exp, and not after it was released", async () => {
    const credentials = registry(new ScriptedAuthenticator());
    const expiring = socket();
    const released = socket();
    credentials.admit(expiring, jwtExpiringIn(1), admin('owner'));
    credentials.release(credentials.admit(released, jwtExpiringIn(1), { ...admin('owner'), adminId: 'b' })!);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(expiring.closes).toEqual([{ code: 4401, reason: 'UNAUTHENTICATED: The token expired.' }]);
    expect(released.closes).toEqual([]);
  });
});
