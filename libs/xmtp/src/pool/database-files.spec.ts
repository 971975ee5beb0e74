import { describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { assertSdkCanOpen, databaseFiles, recordSdkOpened, sdkMarkerPath } from './database-files.js';
import { IdentityBrokenError } from './errors.js';

describe('the SDK marker beside an identity database', () => {
  it('records the highest SDK major that opened the database and refuses an older one by identity', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'mailroom-marker-'));
    const dbPath = path.join(dir, 'identity.db3');
    try {
      await expect(assertSdkCanOpen('id-1', dbPath, 5, '5.5.0')).resolves.toBeUndefined();
      await recordSdkOpened(dbPath, 5, '5.5.0');
      await recordSdkOpened(dbPath, 6, '6.0.0');
      await recordSdkOpened(dbPath, 5, '5.5.0'); // never lowers it
      expect(JSON.parse(await readFile(sdkMarkerPath(dbPath), 'utf8'))).toEqual({ major: 6, version: '6.0.0' });
      await expect(assertSdkCanOpen('id-1', dbPath, 6, '6.0.0')).resolves.toBeUndefined();
      const refused = await assertSdkCanOpen('id-1', dbPath, 5, '5.5.0').catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(IdentityBrokenError);
      expect(refused).toMatchObject({ identityId: 'id-1', reason: 'database_from_newer_sdk' });
      expect((refused as Error).message).toContain('opened by @xmtp/node-sdk 6.0.0');
      expect(databaseFiles(dbPath)).toContain(sdkMarkerPath(dbPath));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
