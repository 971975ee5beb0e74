// CPU accounting from /proc (Linux): the machine's busy time, each process's, and which process is which.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** Busy and total jiffies of all cores since boot (busy leaves out idle and iowait). */
export function machineCpuTicks() {
  const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  const total = values.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - values[3] - values[4], total };
}

/** utime + stime of one process, in ticks; throws when it is gone. */
function ticksOf(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from #3 (state) on
  return Number(fields[11]) + Number(fields[12]);
}

export function processCpuSeconds(pid) {
  return ticksOf(pid) / CLOCK_TICKS;
}

/** CPU ticks of every process whose command line `accept`s (all of them by default), by pid. */
export function processTicks(accept = () => true) {
  const ticks = new Map();
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (accept(readFileSync(`/proc/${pid}/cmdline`, 'utf8'))) ticks.set(pid, ticksOf(pid));
    } catch {} // gone meanwhile
  }
  return ticks;
}

/** CPU ticks of the Postgres backends serving `database` (their command line names it), by pid. */
export function postgresBackendTicks(database) {
  return processTicks((command) => command.startsWith('postgres: ') && command.includes(` ${database} `));
}

/** CPU seconds the processes used between two snapshots (a process that appeared counts from zero). */
export function secondsBetween(before, after) {
  let ticks = 0;
  for (const [pid, t] of after) ticks += t - (before.get(pid) ?? 0);
  return ticks / CLOCK_TICKS;
}

/**
 * Program and script of a process, e.g. "node jest" (no other arguments: they may carry anything); a Postgres
 * backend of `benchDatabase` is "postgres (this benchmark)".
 */
export function processName(pid, benchDatabase) {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    if (args[0]?.startsWith('postgres:'))
      return benchDatabase && args[0].includes(` ${benchDatabase} `) ? 'postgres (this benchmark)' : 'postgres';
    const script = args.slice(1).find((a) => !a.startsWith('-') && /\.[cm]?[jt]s$/.test(a));
    return `${path.basename(args[0] ?? '?').slice(0, 40)}${script ? ` ${path.basename(script)}` : ''}`;
  } catch {
    return '?';
  }
}
