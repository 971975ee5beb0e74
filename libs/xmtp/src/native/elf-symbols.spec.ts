import { realpathSync, writeFileSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { findElfFunctions, loadBias } from './elf-symbols.js';

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
    expect(first).toBeGreaterThan(found!.executableSegment.address);
    expect(first).not.toBe(second);
  });

  it('answers undefined for a file that is not a 64-bit ELF object', () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'elf-')), 'not-elf.node');
    writeFileSync(file, Buffer.alloc(128, 7));
    expect(findElfFunctions(file, ['sqlite3_memory_used'])).toBeUndefined();
  });
});

describe('loadBias', () => {
  const code = { address: 0x771000n, fileOffset: 0x770000n };
  const image = [
    '7f0152600000-7f0152d71000 r--p 00000000 fe:00 5353957                    /opt/my libs/addon.node',
    '7f0152d71000-7f0153d38000 r-xp 00770000 fe:00 5353957                    /opt/my libs/addon.node',
  ];

  it('is where the code segment is mapped executable, minus its address (paths may hold spaces)', () => {
    expect(loadBias('/opt/my libs/addon.node', image.join('\n'), code)).toBe(0x7f0152600000n);
  });

  it('ignores another, non-executable mapping of the whole file (seen in jest workers)', () => {
    const maps = [
      '7f0140000000-7f0142526000 r--p 00000000 fe:00 5353957                    /opt/my libs/addon.node',
      ...image,
    ].join('\n');
    expect(loadBias('/opt/my libs/addon.node', maps, code)).toBe(0x7f0152600000n);
  });

  it('is undefined for a file that is not mapped executable', () => {
    expect(loadBias('/opt/missing.node', image.join('\n'), code)).toBeUndefined();
    expect(loadBias('/opt/my libs/addon.node', image[0]!, code)).toBeUndefined();
  });
});
