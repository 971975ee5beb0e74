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

/**
 * Resident memory by kind of mapping, from /proc/<pid>/smaps (bytes): libxmtp's database files mapped by SQLite
 * (`*.db3`), their WAL indexes (`*-shm`), malloc's main heap (`[heap]`), every other anonymous mapping (malloc's other
 * arenas and large blocks, V8's pages, thread stacks) and every other file (code, data).
 */
export function rssByMapping(pid) {
  const kinds = { databases: 0, walIndexes: 0, mallocHeap: 0, otherAnonymous: 0, otherFiles: 0 };
  let kind = 'otherAnonymous';
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const mapping = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (mapping) {
      const name = mapping[1];
      if (name.endsWith('.db3')) kind = 'databases';
      else if (name.endsWith('.db3-shm')) kind = 'walIndexes';
      else if (name === '[heap]') kind = 'mallocHeap';
      else if (name.startsWith('/')) kind = 'otherFiles';
      else kind = 'otherAnonymous';
    } else if (line.startsWith('Rss:')) kinds[kind] += Number(line.split(/\s+/)[1]) * 1024;
  }
  return kinds;
}

/** Least-squares slope (MiB per minute) of `key` over the samples after `fromSeconds` (warm-up left out). */
export function memorySlope(samples, fromSeconds, key = 'value') {
  const points = samples
    .filter((s) => s.at >= fromSeconds && Number.isFinite(s[key]))
    .map((s) => ({ at: s.at, value: s[key] }));
  if (points.length < 2) return NaN;
  const mx = points.reduce((a, p) => a + p.at, 0) / points.length;
  const my = points.reduce((a, p) => a + p.value, 0) / points.length;
  const num = points.reduce((a, p) => a + (p.at - mx) * (p.value - my), 0);
  const den = points.reduce((a, p) => a + (p.at - mx) ** 2, 0);
  return ((num / den) * 60) / 2 ** 20;
}
