import { describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { KeyVault, identityContext, parseMasterKey } from '@mailroom/key-vault';
import { createTestClients } from '@mailroom/xmtp/testing';
import { bearer, createApiKey, signUpTenant } from '../support/factories.js';
import type { ChildRun } from '../support/process.js';
import { childGatewayStage } from './child-gateways.js';

/**
 * The installation drill: hosted identities survive five gateway restarts (new process each time, same DATA_DIR and
 * database) with exactly one installation each, the same installation id, and still send. Afterwards no key material
 * appears in plaintext in any table or any log line the six processes wrote.
 */
const RESTARTS = 5;
const stage = childGatewayStage('mailroom-drill-');
const logs: string[] = [];

interface Identity {
  id: string;
  inboxId: string;
  installationId: string;
  address: string;
}

const startGatewayProcess = () => stage.start({ LOG_LEVEL: 'trace' });

async function stop(run: ChildRun): Promise<void> {
  await stage.stop(run);
  logs.push(run.stdout(), run.stderr());
}

describe('installation restart drill', () => {
  const identities: Identity[] = [];
  const secrets = { apiKey: '', password: '', importedKey: '' };

  it(`keeps one installation per identity, with the same id, across ${RESTARTS} restarts, and each still sends`, async () => {
    let { run, url } = await startGatewayProcess();
    const tenant = await signUpTenant({ url });
    secrets.password = tenant.password;
    secrets.apiKey = (await createApiKey({ url }, tenant.adminToken)).key;
    const headers = { ...bearer(secrets.apiKey), 'content-type': 'application/json' };
    for (const n of [1, 2, 3]) {
      const res = await fetch(`${url}/v1/identities`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ label: `drill ${n}` }),
      });
      expect(res.status).toBe(201);
      identities.push((await res.json()) as Identity);
    }
    const imported = await createTestClients(stage.devnet.url, 1);
    secrets.importedKey = imported.clients[0]!.wallet.privateKey;
    const res = await fetch(`${url}/v1/identities/import`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ privateKey: secrets.importedKey }),
    });
    expect(res.status).toBe(201);
    identities.push((await res.json()) as Identity);
    await imported.cleanup();
    const peer = stage.peers.clients[0]!;
    const dms = new Map<string, string>();
    for (const identity of identities) {
      const dm = await fetch(`${url}/v1/identities/${identity.id}/conversations/dm`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ peer: peer.wallet.address }),
      });
      expect(dm.status).toBe(201);
      dms.set(identity.id, ((await dm.json()) as { id: string }).id);
    }

    for (let restart = 1; restart <= RESTARTS; restart++) {
      const started = Date.now();
      await stop(run);
      ({ run, url } = await startGatewayProcess());
      process.stderr.write(`restart ${restart}: ${Date.now() - started} ms\n`);
      for (const identity of identities) {
        const state = (await (await fetch(`${url}/v1/identities/${identity.id}`, { headers })).json()) as Identity & {
          status: string;
          inboxState: { installations: { id: string }[] };
        };
        expect(state.status).toBe('active');
        expect(state.installationId).toBe(identity.installationId);
        const own = state.inboxState.installations.filter((i) => i.id === identity.installationId);
        expect(own).toHaveLength(1);
        const sent = await fetch(`${url}/v1/identities/${identity.id}/conversations/${dms.get(identity.id)}/messages`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ content: { type: 'text', text: `after restart ${restart}` } }),
        });
        expect(sent.status).toBe(201);
      }
    }
    // The imported inbox also holds the peer's original installation; the three new ones hold exactly one each.
    const states = await peer.client.preferences.fetchInboxStates(identities.slice(0, 3).map((i) => i.inboxId));
    expect(states.map((s) => s.installations.length)).toEqual([1, 1, 1]);
    // Every identity could still send after every restart: the peer has all five messages from each.
    await peer.client.conversations.sync();
    for (const identity of identities) {
      const conversation = await peer.client.conversations.getConversationById(dms.get(identity.id)!);
      await conversation!.sync();
      const texts = (await conversation!.messages())
        .map((m) => m.content)
        .filter((c): c is string => typeof c === 'string');
      expect(texts.filter((t) => t.startsWith('after restart'))).toEqual(
        Array.from({ length: RESTARTS }, (_, i) => `after restart ${i + 1}`),
      );
    }
    await stop(run);
  }, 480_000);

  it('leaves no key material in plaintext in any table or log line', async () => {
    const masterKey = parseMasterKey(await readFile(path.join(stage.dataDir, 'master.key'), 'utf8'));
    const vault = KeyVault.fromMasterKey(masterKey);
    const client = new pg.Client({ connectionString: stage.database.url });
    await client.connect();
    const needles: string[] = [
      secrets.apiKey,
      secrets.password,
      masterKey.toString('hex'),
      masterKey.toString('base64'),
    ];
    const rows = await client.query<{
      id: string;
      wrapped_data_key: Buffer;
      encrypted_wallet_key: Buffer;
      encrypted_db_key: Buffer;
    }>('SELECT id, wrapped_data_key, encrypted_wallet_key, encrypted_db_key FROM identities');
    expect(rows.rows).toHaveLength(identities.length);
    for (const row of rows.rows) {
      const dataKey = vault.unwrapDataKey(row.wrapped_data_key, identityContext(row.id));
      const wallet = dataKey.open(row.encrypted_wallet_key, 'wallet-key');
      const dbKey = dataKey.open(row.encrypted_db_key, 'db-key');
      for (const secret of [wallet, dbKey])
        needles.push(secret.toString('hex'), secret.toString('base64'), secret.toString('base64url'));
      dataKey.destroy();
    }
    expect(needles).toContain(secrets.importedKey.slice(2).toLowerCase());

    const tables = await client.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
    );
    let haystack = '';
    for (const { table_name } of tables.rows) {
      const dump = await client.query<{ row: string }>(
        `SELECT row_to_json(t)::text AS row FROM ${client.escapeIdentifier(table_name)} t`,
      );
      haystack += dump.rows.map((r) => r.row).join('\n');
      // bytea columns appear as \x… hex in row_to_json: search those too
    }
    await client.end();
    const logText = logs.join('\n');
    expect(logText.length).toBeGreaterThan(10_000);
    for (const needle of needles) {
      expect(haystack.toLowerCase().includes(needle.toLowerCase())).toBe(false);
      expect(logText.includes(needle)).toBe(false);
      expect(logText.toLowerCase().includes(needle.toLowerCase())).toBe(false);
    }
  });
});
