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
