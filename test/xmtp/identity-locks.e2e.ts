// PgAdvisoryIdentityLocks on real Postgres: two instances stand for two gateway processes.
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { identityLockKey, PgAdvisoryIdentityLocks } from '@mailroom/persistence';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { cleanEnv, REPO_ROOT, runNode } from '../support/process.js';
import { waitFor } from '../devnet/support.js';

describe('PgAdvisoryIdentityLocks', () => {
  let db: TestDatabase;
  const instances: PgAdvisoryIdentityLocks[] = [];
  const newLocks = () => {
    const locks = new PgAdvisoryIdentityLocks({ connectionString: db.url, reconnectDelayMs: 100, pingIntervalMs: 500 });
    instances.push(locks);
    return locks;
  };

  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false });
  });

  afterAll(async () => {
    for (const locks of instances) await locks.close();
    await db?.drop();
  });

  it('derives a stable signed 64-bit key per identity', () => {
    expect(identityLockKey('a')).toBe(identityLockKey('a'));
    expect(identityLockKey('a')).not.toBe(identityLockKey('b'));
    expect(identityLockKey('a') >= -(2n ** 63n) && identityLockKey('a') < 2n ** 63n).toBe(true);
  });

  it('gives an identity to one process at a time and hands it over on release', async () => {
    const a = newLocks();
    const b = newLocks();
    expect(await a.tryAcquire('id-1')).toBe(true);
    expect(await a.tryAcquire('id-1')).toBe(true); // idempotent for the holder
    expect(await b.tryAcquire('id-1')).toBe(false);
    expect(await b.tryAcquire('id-2')).toBe(true); // other identities are independent
    await a.release('id-1');
    expect(await b.tryAcquire('id-1')).toBe(true);
    expect(await a.tryAcquire('id-1')).toBe(false);
    expect(b.held().sort()).toEqual(['id-1', 'id-2']);
    await b.release('id-1');
    await b.release('id-2');
  });

  it('keeps one lock per identity when acquired concurrently, so one release frees it', async () => {
    const a = newLocks();
    const b = newLocks();
    const results = await Promise.all(Array.from({ length: 5 }, () => a.tryAcquire('concurrent')));
    expect(results).toEqual([true, true, true, true, true]);
    await a.release('concurrent');
    expect(await b.tryAcquire('concurrent')).toBe(true);
    await b.release('concurrent');
  });

  it('holds many locks on one session and releases them all when the instance closes', async () => {
    const a = newLocks();
    const b = newLocks();
    const ids = Array.from({ length: 50 }, (_, i) => `many-${i}`);
    for (const id of ids) expect(await a.tryAcquire(id)).toBe(true);
    expect(await b.tryAcquire('many-7')).toBe(false);
    await a.close();
    for (const id of ids) expect(await b.tryAcquire(id)).toBe(true);
    for (const id of ids) await b.release(id);
  });

  it('fires onLost when the lock session is killed, lets another process take over, then reconnects', async () => {
    const a = newLocks();
    const b = newLocks();
    let lost = 0;
    a.onLost(() => lost++);
    expect(await a.tryAcquire('fenced-1')).toBe(true);
    expect(await a.tryAcquire('fenced-2')).toBe(true);
    const pid = a.backendPid;
    expect(pid).toBeDefined();

    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    try {
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    } finally {
      await admin.end();
    }

    await waitFor(() => lost === 1, 10_000, 'onLost');
    expect(a.held()).toEqual([]);
    expect(await b.tryAcquire('fenced-1')).toBe(true);
    // a reconnects and works again, without its old locks
    expect(await a.tryAcquire('fenced-1')).toBe(false);
    expect(await a.tryAcquire('fenced-2')).toBe(true);
    expect(a.backendPid).not.toBe(pid);
    expect(lost).toBe(1);
    await a.release('fenced-2');
    await b.release('fenced-1');
  });

  it('releases every lock of a process that dies (SIGKILL)', async () => {
    const holder = runNode('--import', cleanEnv({ NODE_NO_WARNINGS: '1' }), [
      'tsx',
      path.join(REPO_ROOT, 'test/xmtp/support/lock-holder.ts'),
      db.url,
      'dead-1',
      'dead-2',
    ]);
    try {
      const [, json] = await holder.waitForOutput(/locks (\{.*\})/, 30_000);
      expect(JSON.parse(json!)).toEqual({ 'dead-1': true, 'dead-2': true });
      const b = newLocks();
      expect(await b.tryAcquire('dead-1')).toBe(false);
      holder.child.kill('SIGKILL');
      await holder.exited;
      await waitFor(
        async () => (await b.tryAcquire('dead-1')) && (await b.tryAcquire('dead-2')),
        10_000,
        'locks of the dead process',
      );
    } finally {
      holder.child.kill('SIGKILL');
    }
  });
});
