import { readFileSync } from 'node:fs';

/** Resident (and anonymous) memory and OS threads of a process, from /proc. */
export function processMemoryDetail(pid) {
  const field = (text, name) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? NaN);
  const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return {
    anonymous: field(rollup, 'Anonymous') * 1024,
    rss: field(rollup, 'Rss') * 1024,
    threads: field(status, 'Threads'),
  };
}
