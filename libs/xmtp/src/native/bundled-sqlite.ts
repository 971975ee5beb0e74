import { readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { findElfFunctions, loadBias } from './elf-symbols.js';

// SQLite's own process-wide memory controls, in the copy of SQLite statically linked into the XMTP bindings' native
// addon (libxmtp's databases use that copy). The addon does not export them, so they are called at the address its
// symbol table gives, through koffi. Only the functions below are called, each with plain integer arguments.
const FUNCTIONS = [
  'sqlite3_libversion_number',
  'sqlite3_soft_heap_limit64',
  'sqlite3_memory_used',
  'sqlite3_config',
] as const;

/** sqlite3_config's option taking the default and the most memory-mapped I/O per connection (two sqlite3_int64). */
const SQLITE_CONFIG_MMAP_SIZE = 22;
const SQLITE_OK = 0;

/** The bundled SQLite's versions these calls were checked against (3.46: bindings 1.9.1 and 1.10.0). */
const SUPPORTED_SQLITE = { from: 3_040_000, below: 4_000_000 };

export interface BundledSqlite {
  /** e.g. '3.46.1' */
  readonly version: string;
  /**
   * Sets SQLite's soft heap limit: once the memory SQLite holds (all its connections in this process) reaches it,
   * page caches recycle their least recently used pages instead of growing, and SQLite frees unused cache memory.
   * 0 removes the limit. Returns the previous limit.
   */
  setSoftHeapLimit(bytes: number): number;
  /** The soft heap limit in force (0: none). */
  softHeapLimit(): number;
  /** Bytes SQLite holds now, across all its connections in this process. */
  memoryUsed(): number;
  /**
   * Caps memory-mapped I/O for every connection opened from now on (a connection's `PRAGMA mmap_size` is clamped to
   * it); 0 turns it off. SQLite takes this only before it initializes (its first connection, or the first soft heap
   * limit call): false when it is too late in this process.
   */
  limitMemoryMappedIo(bytes: number): boolean;
  /** The FFI handle on the addon (held so the functions stay callable). */
  readonly addon: unknown;
}

type Koffi = typeof import('koffi');

/**
 * The SQLite inside the loaded native addon `addonFile`, or why it cannot be reached (not Linux, addon not loaded,
 * stripped, an SQLite version these calls were not checked against, no FFI).
 */
export function bundledSqlite(addonFile: string): BundledSqlite | { unavailable: string } {
  if (process.platform !== 'linux') return { unavailable: `not supported on ${process.platform}` };
  const file = realpathSync(addonFile);
  const symbols = findElfFunctions(file, FUNCTIONS);
  const missing = FUNCTIONS.filter((name) => !symbols?.functions.has(name));
  if (!symbols || missing.length > 0) return { unavailable: `${file} does not name ${missing.join(', ')}` };
  const bias = loadBias(file, readFileSync('/proc/self/maps', 'utf8'), symbols.executableSegment);
  if (bias === undefined) return { unavailable: `${file} is not loaded in this process` };

  let koffi: Koffi;
  let addon: unknown;
  try {
    koffi = createRequire(import.meta.url)('koffi') as Koffi;
    // Also what sets up koffi's call machinery (calls before any library is loaded crash). The addon is already
    // loaded, so this only takes another reference to it, kept for as long as the functions below are.
    addon = koffi.load(file);
  } catch (error) {
    return { unavailable: `koffi does not load the addon: ${(error as Error).message}` };
  }
  const at = (name: (typeof FUNCTIONS)[number]): unknown => {
    const slot = Buffer.alloc(8);
    slot.writeBigUInt64LE(bias + symbols.functions.get(name)!);
    return koffi.decode(slot, 'void *');
  };
  // Unnamed: koffi's named types are process-wide and refuse a second declaration (a second lookup in this process).
  const noArguments = koffi.proto('int64_t (void)');
  const oneInteger = koffi.proto('int64_t (int64_t)');
  const versionNumber = koffi.proto('int (void)');
  const configure = koffi.proto('int (int, ...)');

  const version = koffi.call(at('sqlite3_libversion_number'), versionNumber) as number;
  if (version < SUPPORTED_SQLITE.from || version >= SUPPORTED_SQLITE.below)
    return { unavailable: `${file} holds SQLite ${versionText(version)}, not a 3.x these calls were checked against` };
  const softHeapLimit = at('sqlite3_soft_heap_limit64');
  const memoryUsed = at('sqlite3_memory_used');
  const config = at('sqlite3_config');
  return {
    version: versionText(version),
    addon,
    setSoftHeapLimit: (bytes) => Number(koffi.call(softHeapLimit, oneInteger, bytes)),
    // A negative argument reads the limit without changing it.
    softHeapLimit: () => Number(koffi.call(softHeapLimit, oneInteger, -1)),
    memoryUsed: () => Number(koffi.call(memoryUsed, noArguments)),
    limitMemoryMappedIo: (bytes) => {
      const size = BigInt(bytes);
      // The default (what a connection gets without the pragma) and the maximum (what the pragma is clamped to).
      const answer = koffi.call(config, configure, SQLITE_CONFIG_MMAP_SIZE, 'int64_t', size, 'int64_t', size);
      return answer === SQLITE_OK;
    },
  };
}

/** sqlite3_libversion_number's encoding (3046001) as SQLite writes the version ('3.46.1'). */
function versionText(versionNumber: number): string {
  return [Math.floor(versionNumber / 1e6), Math.floor(versionNumber / 1000) % 1000, versionNumber % 1000].join('.');
}
