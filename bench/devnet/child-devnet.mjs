// Runs the built devnet CLI in a child process and reads its CPU time from /proc, so the benchmark can
// tell the devnet's own work apart from the SDK clients' MLS work in the parent.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../apps/devnet/dist/cli.js');
const TICKS_PER_SECOND = 100; // getconf CLK_TCK on Linux

export async function startChildDevnet({ dataDir } = {}) {
  const args = [cli, '--port', '0', '--log-level', 'warn', ...(dataDir ? ['--data-dir', dataDir] : [])];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /devnet ready at (\S+)/.exec(out);
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`devnet exited with ${code} before it was ready`)));
  });
  return {
    url,
    pid: child.pid,
    /** CPU seconds (user + system) the devnet process has used so far. */
    cpuSeconds() {
      const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND; // utime, stime
    },
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', resolve);
        child.kill('SIGTERM');
      }),
  };
}
