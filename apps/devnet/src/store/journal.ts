import fs from 'node:fs';
import path from 'node:path';
import { decodeRecord, encodeRecord, type DevnetRecord } from './records.js';

export interface JournalOptions {
  /** fsync after every append: survives power loss, costs a disk flush per write batch. */
  fsync?: boolean;
}

export interface OpenedJournal {
  journal: Journal;
  /** Every record written before, in write order. */
  records: DevnetRecord[];
  /** Bytes dropped from the end because the last write was cut short. */
  truncatedBytes: number;
}

const JOURNAL_FILE = 'devnet.journal';
const LOCK_FILE = 'devnet.lock';

/**
 * Append-only record log in a data directory. Each append is written synchronously before the RPC is
 * answered, so a crash of the devnet process never loses an acknowledged write.
 */
export class Journal {
  private constructor(
    private readonly fd: number,
    private readonly lockPath: string,
    private readonly fsync: boolean,
  ) {}

  static open(dataDir: string, options: JournalOptions = {}): OpenedJournal {
    fs.mkdirSync(dataDir, { recursive: true });
    const lockPath = path.join(dataDir, LOCK_FILE);
    takeLock(lockPath);
    try {
      const file = path.join(dataDir, JOURNAL_FILE);
      const { records, validLength, totalLength } = readJournal(file);
      if (validLength < totalLength) fs.truncateSync(file, validLength);
      const fd = fs.openSync(file, 'a');
      return {
        journal: new Journal(fd, lockPath, options.fsync ?? false),
        records,
        truncatedBytes: totalLength - validLength,
      };
    } catch (error) {
      fs.rmSync(lockPath, { force: true });
      throw error;
    }
  }

  append(records: readonly DevnetRecord[]): void {
    if (records.length === 0) return;
    let text = '';
    for (const record of records) text += encodeRecord(record) + '\n';
    fs.writeSync(this.fd, text);
    if (this.fsync) fs.fsyncSync(this.fd);
  }

  close(): void {
    fs.fsyncSync(this.fd);
    fs.closeSync(this.fd);
    fs.rmSync(this.lockPath, { force: true });
  }
}

function readJournal(file: string): { records: DevnetRecord[]; validLength: number; totalLength: number } {
  let buffer: Buffer;
  try {
    buffer = fs.readFileSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], validLength: 0, totalLength: 0 };
    throw error;
  }
  const records: DevnetRecord[] = [];
  let start = 0;
  while (start < buffer.length) {
    const end = buffer.indexOf(0x0a, start);
    if (end === -1) break; // an unterminated last line is a write cut short: drop it
    const line = buffer.toString('utf8', start, end);
    try {
      records.push(decodeRecord(line));
    } catch (error) {
      throw new Error(`corrupt devnet journal ${file} at byte ${start}: ${(error as Error).message}`);
    }
    start = end + 1;
  }
  return { records, validLength: start, totalLength: buffer.length };
}

/** One devnet per data directory: two writers would interleave ids. A lock left by a dead process is taken over. */
function takeLock(lockPath: string): void {
  try {
    fs.writeFileSync(lockPath, String(process.pid), { flag: 'wx' });
    return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const owner = Number(fs.readFileSync(lockPath, 'utf8'));
  if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
    throw new Error(`data directory ${path.dirname(lockPath)} is in use by devnet process ${owner}`);
  }
  if (owner === process.pid)
    throw new Error(`data directory ${path.dirname(lockPath)} is already open in this process`);
  fs.writeFileSync(lockPath, String(process.pid));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
