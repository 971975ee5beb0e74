import { describe, expect, it } from '@jest/globals';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { bearer, createApiKey, signUpTenant } from '../support/factories.js';
import { childGatewayStage } from '../identities/child-gateways.js';

/**
 * XMTP_SQLITE_MMAP_MB caps libxmtp's memory-mapped SQLite I/O (libxmtp asks for 128 MiB a connection; every page read
 * through the mapping stays in the process's RSS). SQLite takes the cap only before its first connection, so each
 * gateway here is its own process: off by default, mapped when asked for.
 */
const stage = childGatewayStage('mailroom-sqlite-mmap-');

/** Databases under the stage's DATA_DIR that the process has open (fds) and has mapped (maps). */
function databasesOf(pid: number): { open: number; mapped: number } {
  const underStage = (file: string) => file.startsWith(stage.dataDir) && file.endsWith('.db3');
  const open = new Set(
    readdirSync(`/proc/${pid}/fd`)
      .map((fd) => {
        try {
          return readlinkSync(`/proc/${pid}/fd/${fd}`);
        } catch {
          return ''; // closed meanwhile
        }
      })
      .filter(underStage),
  );
  const mapped = new Set(
    readFileSync(`/proc/${pid}/maps`, 'utf8')
      .split('\n')
      .map((line) => line.split(/\s+/).slice(5).join(' '))
      .filter(underStage),
  );
  return { open: open.size, mapped: mapped.size };
}

/** A new hosted identity sends `count` messages to the stage's peer, ten at a time. */
async function sendMany(url: string, count: number): Promise<void> {
  const tenant = await signUpTenant({ url });
  const headers = {
    ...bearer((await createApiKey({ url }, tenant.adminToken)).key),
    'content-type': 'application/json',
  };
  const post = async (route: string, body: unknown) => {
    const res = await fetch(`${url}${route}`, { method: 'POST', headers, body: JSON.stringify(body) });
    expect(res.status).toBe(201);
    return (await res.json()) as { id: string };
  };
  const identity = await post('/v1/identities', { label: 'mapped or not' });
  const dm = await post(`/v1/identities/${identity.id}/conversations/dm`, {
    peer: stage.peers.clients[0]!.wallet.address,
  });
  const route = `/v1/identities/${identity.id}/conversations/${dm.id}/messages`;
  for (let sent = 0; sent < count; sent += 10)
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => post(route, { content: { type: 'text', text: `message ${sent + i}` } })),
    );
}

// SQLite reads a page through the mapping only once the page is in the database file, not only in the write-ahead log:
// enough sends that libxmtp's SQLite checkpoints (every 1,000 pages of log; ~150 sends here) and reads pages back.
const SENDS = 200;

describe('XMTP_SQLITE_MMAP_MB', () => {
  it('maps the databases when a cap is set (libxmtp’s own behaviour, which the default turns off)', async () => {
    const { run, url } = await stage.start({ XMTP_SQLITE_MMAP_MB: '64' });
    expect(run.stdout()).toContain('memory-mapped I/O at most 64 MiB a connection');
    await sendMany(url, SENDS);
    expect(databasesOf(run.child.pid!).mapped).toBeGreaterThan(0);
    await stage.stop(run);
  }, 120_000);

  it('is off by default: the same sends leave the databases open but none mapped into the gateway', async () => {
    const { run, url } = await stage.start();
    expect(run.stdout()).toMatch(
      /XMTP SQLite 3\.\d+\.\d+: soft heap limit 256 MiB for all clients; memory-mapped I\/O off \(reads go through the page cache\)/,
    );
    await sendMany(url, SENDS);
    const databases = databasesOf(run.child.pid!);
    expect(databases.open).toBeGreaterThan(0);
    expect(databases.mapped).toBe(0);
    await stage.stop(run);
  }, 120_000);
});
