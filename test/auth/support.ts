import { afterAll, beforeAll } from '@jest/globals';
import request from 'supertest';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { bearer } from '../support/factories.js';
import { REDIS_URL, startTestGateway, type TestGateway } from '../support/gateway.js';

/** The password every invited admin of these suites sets. */
export const ADMIN_PASSWORD = 'a password of some length';

/**
 * Registers the suite's beforeAll/afterAll: a gateway on a fresh database and Redis, XMTP unreachable and 100 logins a
 * minute, handed to `started` once it runs; stopped and its database dropped after the suite.
 */
export function useAdminGateway(started: (gateway: TestGateway) => void): void {
  let database: TestDatabase | undefined;
  let gateway: TestGateway | undefined;

  beforeAll(async () => {
    database = await createTestDatabase();
    gateway = await startTestGateway({
      DATABASE_URL: database.url,
      REDIS_URL,
      XMTP_API_URL: 'http://127.0.0.1:1',
      LOGIN_RATE_LIMIT_PER_MINUTE: '100',
    });
    started(gateway);
  });

  afterAll(async () => {
    await gateway?.close();
    await database?.drop();
  });
}

/**
 * Invites `email` with `role` (by the admin of `inviterToken`) and accepts with ADMIN_PASSWORD, expecting 201 and 200;
 * answers the invitation token and the new admin's session.
 */
export async function inviteAndAccept(
  gateway: TestGateway,
  inviterToken: string,
  email: string,
  role: 'owner' | 'admin' | 'viewer',
): Promise<{ invitationToken: string; token: string; refreshToken: string }> {
  const invite = await request(gateway.url)
    .post('/v1/admin/invitations')
    .set(bearer(inviterToken))
    .send({ email, role })
    .expect(201);
  const accepted = await request(gateway.url)
    .post('/v1/admin/invitations/accept')
    .send({ token: invite.body.token, password: ADMIN_PASSWORD })
    .expect(200);
  return {
    invitationToken: invite.body.token as string,
    token: accepted.body.accessToken as string,
    refreshToken: accepted.body.refreshToken as string,
  };
}
