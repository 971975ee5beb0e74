import { realpathSync, writeFileSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { findElfFunctions, loadAddress } from './elf-symbols.js';

const require = createRequire(import.meta.url);
const bindingsAddon = realpathSync(
  path.join(path.dirname(require.resolve('@xmtp/node-bindings')), `bindings_node.linux-${process.arch}-gnu.node`),
);

describe('findElfFunctions', () => {
  it("finds functions the bindings' addon does not export (its SQLite's) at distinct offsets", () => {
    const found = findElfFunctions(bindingsAddon, ['sqlite3_soft_heap_limit64', 'sqlite3_memory_used', 'no_such_fn']);
    expect(found).toBeDefined();
    const offsets = [...found!.functions.entries()];
    expect(offsets.map(([name]) => name).sort()).toEqual(['sqlite3_memory_used', 'sqlite3_soft_heap_limit64']);
    const [first, second] = offsets.map(([, offset]) => offset);
    expect(first).toBeGreaterThan(0n);
    expect(first).not.toBe(second);
  });

  it('answers undefined for a file that is not a 64-bit ELF object', () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'elf-')), 'not-elf.node');
    writeFileSync(file, Buffer.alloc(128, 7));
    expect(findElfFunctions(file, ['sqlite3_memory_used'])).toBeUndefined();
  });
});

describe('loadAddress', () => {
  const maps = [
    '7f0152600000-7f0152d71000 r--p 00000000 fe:00 5353957                    /opt/my libs/addon.node',
    '7f0152d71000-7f0153d38000 r-xp 00770000 fe:00 5353957                    /opt/my libs/addon.node',
    '7f0160000000-7f0160001000 r--p 00000000 fe:00 1                          /opt/other.node',
  ].join('\n');

  it('is the start of the mapping at file offset 0 (paths may hold spaces)', () => {
    expect(loadAddress('/opt/my libs/addon.node', maps)).toBe(0x7f0152600000n);
    expect(loadAddress('/opt/other.node', maps)).toBe(0x7f0160000000n);
  });

  it('is undefined for a file that is not mapped', () => {
    expect(loadAddress('/opt/missing.node', maps)).toBeUndefined();
  });
});
