#!/usr/bin/env node
// `npm run keys:rotate [-- --generate]`: re-wraps every identity's data key under a new master key.
// Runs the built @mailroom/key-vault (npm run build). Exit codes: 0 done, 1 failed, 2 usage error.
import { runKeysRotate } from '@mailroom/key-vault';

const code = await runKeysRotate({
  argv: process.argv.slice(2),
  env: process.env,
  out: (line) => process.stdout.write(`${line}\n`),
});
process.exit(code);
