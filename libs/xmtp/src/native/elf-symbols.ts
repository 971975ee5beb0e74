import { closeSync, openSync, readSync } from 'node:fs';

const ELF_MAGIC = 0x464c457f;
const ELFCLASS64 = 2;
const ELFDATA2LSB = 1;
const PT_LOAD = 1;
const PF_X = 1;
const PAGE_MASK = ~0xfffn;
const SHT_SYMTAB = 2;
const STT_FUNC = 2;
const SYMBOL_SIZE = 24;

export interface ElfFunctionSymbols {
  /** Virtual addresses of the named functions in the object (only those found, as functions). */
  readonly functions: ReadonlyMap<string, bigint>;
  /** The executable segment's page-aligned virtual address and file offset: where its mapping tells the load bias. */
  readonly executableSegment: { readonly address: bigint; readonly fileOffset: bigint };
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

    let executableSegment: ElfFunctionSymbols['executableSegment'] | undefined;
    for (let i = 0; i < programHeaderCount && executableSegment === undefined; i++) {
      const segment = read(programHeaders + BigInt(i * programHeaderSize), programHeaderSize);
      if (segment.readUInt32LE(0) === PT_LOAD && (segment.readUInt32LE(4) & PF_X) !== 0)
        executableSegment = {
          address: segment.readBigUInt64LE(0x10) & PAGE_MASK,
          fileOffset: segment.readBigUInt64LE(0x08) & PAGE_MASK,
        };
    }
    if (executableSegment === undefined) return undefined;

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
        if (wanted.has(name)) functions.set(name, symbols.readBigUInt64LE(at + 8));
      }
    }
    return { functions, executableSegment };
  } finally {
    closeSync(fd);
  }
}

/**
 * The load bias of `file` in this process (add a symbol's virtual address to call it), from /proc/self/maps: the start
 * of the executable mapping of its code segment, minus that segment's address. Only the loaded image maps the file
 * executable; other mappings of the same file (someone reading it through mmap) are not taken for it.
 */
export function loadBias(
  file: string,
  maps: string,
  executableSegment: ElfFunctionSymbols['executableSegment'],
): bigint | undefined {
  for (const line of maps.split('\n')) {
    // start-end perms offset dev inode path (the path may hold spaces)
    const mapping = /^([0-9a-f]+)-[0-9a-f]+\s+(\S+)\s+([0-9a-f]+)\s+\S+\s+\S+\s+(.+)$/.exec(line);
    if (
      mapping &&
      mapping[4] === file &&
      mapping[2]!.includes('x') &&
      BigInt(`0x${mapping[3]}`) === executableSegment.fileOffset
    )
      return BigInt(`0x${mapping[1]}`) - executableSegment.address;
  }
  return undefined;
}
