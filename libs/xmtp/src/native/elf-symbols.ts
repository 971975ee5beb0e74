import { closeSync, openSync, readSync } from 'node:fs';

const ELF_MAGIC = 0x464c457f;
const ELFCLASS64 = 2;
const ELFDATA2LSB = 1;
const PT_LOAD = 1;
const SHT_SYMTAB = 2;
const STT_FUNC = 2;
const SYMBOL_SIZE = 24;

export interface ElfFunctionSymbols {
  /** Offsets of the named functions from the object's load address (only those found, as functions). */
  readonly functions: ReadonlyMap<string, bigint>;
}

/**
 * Finds functions in a 64-bit little-endian ELF shared object's full symbol table (`.symtab`, which also names the
 * functions the object does not export). Reads only the headers and the symbol and string tables.
 * Undefined when the file is not such an object or has no `.symtab` (stripped).
 */
export function findElfFunctions(file: string, names: readonly string[]): ElfFunctionSymbols | undefined {
  const fd = openSync(file, 'r');
  try {
    const read = (offset: bigint | number, length: number): Buffer => {
      const buffer = Buffer.alloc(length);
      const got = readSync(fd, buffer, 0, length, Number(offset));
      if (got !== length) throw new Error(`${file}: short read at ${offset}`);
      return buffer;
    };
    const header = read(0, 64);
    if (header.readUInt32LE(0) !== ELF_MAGIC || header[4] !== ELFCLASS64 || header[5] !== ELFDATA2LSB) return undefined;
    const programHeaders = header.readBigUInt64LE(0x20);
    const programHeaderSize = header.readUInt16LE(0x36);
    const programHeaderCount = header.readUInt16LE(0x38);
    const sectionHeaders = header.readBigUInt64LE(0x28);
    const sectionHeaderSize = header.readUInt16LE(0x3a);
    const sectionCount = header.readUInt16LE(0x3c);

    // Symbol values are virtual addresses; the first loadable segment is mapped at the load address.
    let firstSegmentAddress: bigint | undefined;
    for (let i = 0; i < programHeaderCount && firstSegmentAddress === undefined; i++) {
      const segment = read(programHeaders + BigInt(i * programHeaderSize), programHeaderSize);
      if (segment.readUInt32LE(0) === PT_LOAD)
        firstSegmentAddress = segment.readBigUInt64LE(0x10) - segment.readBigUInt64LE(0x08);
    }
    if (firstSegmentAddress === undefined) return undefined;

    const sections = read(sectionHeaders, sectionHeaderSize * sectionCount);
    const section = (index: number) => {
      const at = index * sectionHeaderSize;
      return {
        type: sections.readUInt32LE(at + 4),
        offset: sections.readBigUInt64LE(at + 0x18),
        size: Number(sections.readBigUInt64LE(at + 0x20)),
        link: sections.readUInt32LE(at + 0x28),
      };
    };
    const wanted = new Set(names);
    const functions = new Map<string, bigint>();
    for (let index = 0; index < sectionCount; index++) {
      const symtab = section(index);
      if (symtab.type !== SHT_SYMTAB) continue;
      const strings = section(symtab.link);
      const names = read(strings.offset, strings.size);
      const symbols = read(symtab.offset, symtab.size);
      for (let at = 0; at + SYMBOL_SIZE <= symbols.length; at += SYMBOL_SIZE) {
        if ((symbols[at + 4]! & 0xf) !== STT_FUNC) continue;
        const nameStart = symbols.readUInt32LE(at);
        const name = names.toString('latin1', nameStart, names.indexOf(0, nameStart));
        if (wanted.has(name)) functions.set(name, symbols.readBigUInt64LE(at + 8) - firstSegmentAddress);
      }
    }
    return { functions };
  } finally {
    closeSync(fd);
  }
}

/** Where `file` is loaded in this process (the start of its mapping at file offset 0), from /proc/self/maps. */
export function loadAddress(file: string, maps: string): bigint | undefined {
  for (const line of maps.split('\n')) {
    // start-end perms offset dev inode path (the path may hold spaces)
    const mapping = /^([0-9a-f]+)-[0-9a-f]+\s+\S+\s+([0-9a-f]+)\s+\S+\s+\S+\s+(.+)$/.exec(line);
    if (mapping && mapping[3] === file && Number.parseInt(mapping[2]!, 16) === 0) return BigInt(`0x${mapping[1]}`);
  }
  return undefined;
}
