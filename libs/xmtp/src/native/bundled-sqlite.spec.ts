import { copyFileSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { bundledSqlite, type BundledSqlite } from './bundled-sqlite.js';

const require = createRequire(import.meta.url);
const bindingsAddon = realpathSync(
  path.join(path.dirname(require.resolve('@xmtp/node-bindings')), `bindings_node.linux-${process.arch}-gnu.node`),
);

describe('bundledSqlite', () => {
  it('reaches the SQLite inside the loaded bindings addon: its version, soft heap limit and memory in use', () => {
    require(bindingsAddon);
    const sqlite = bundledSqlite(bindingsAddon);
    if ('unavailable' in sqlite) throw new Error(sqlite.unavailable);
    expect(sqlite.version).toBe('3.46.1');
    expect(sqlite.memoryUsed()).toBeGreaterThanOrEqual(0);

    const before = sqlite.setSoftHeapLimit(64 * 1024 ** 2);
    try {
      // SQLite answers the previous limit: reading it back proves the call reached the one the addon's databases use.
      expect(sqlite.setSoftHeapLimit(32 * 1024 ** 2)).toBe(64 * 1024 ** 2);
    } finally {
      sqlite.setSoftHeapLimit(before);
    }
  });

  it('can be looked up again in the same process (each gateway started in a process does)', () => {
    require(bindingsAddon);
    const first = bundledSqlite(bindingsAddon);
    const second = bundledSqlite(bindingsAddon);
    if ('unavailable' in first || 'unavailable' in second) throw new Error('the bundled SQLite is unavailable');
    const before = first.setSoftHeapLimit(16 * 1024 ** 2);
    try {
      expect(second.softHeapLimit()).toBe(16 * 1024 ** 2);
    } finally {
      second.setSoftHeapLimit(before);
    }
  });

  it('refuses the memory-mapped I/O cap once SQLite is in use (it is read only at initialization)', () => {
    require(bindingsAddon);
    const sqlite = bundledSqlite(bindingsAddon);
    if ('unavailable' in sqlite) throw new Error(sqlite.unavailable);
    sqlite.setSoftHeapLimit(sqlite.softHeapLimit()); // initializes SQLite, as the first client would
    // SQLITE_MISUSE from sqlite3_config; a gateway started first gets true (test/xmtp/sqlite-mmap.e2e.ts).
    expect(sqlite.limitMemoryMappedIo(0)).toBe(false);
  });

  it('says why when the addon is not loaded in this process, or is not one with SQLite', () => {
    // The same addon under another path: it names the functions, but no executable mapping of it exists here.
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'sqlite-')), 'never-loaded.node');
    copyFileSync(bindingsAddon, file);
    const sqlite = bundledSqlite(file) as BundledSqlite | { unavailable: string };
    expect(sqlite).toEqual({ unavailable: expect.stringContaining('is not loaded in this process') });
    writeFileSync(file, Buffer.alloc(64));
    expect(bundledSqlite(file)).toEqual({ unavailable: expect.stringContaining('does not name sqlite3_') });
  });
});
