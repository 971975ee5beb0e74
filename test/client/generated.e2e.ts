import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from '@jest/globals';

const run = promisify(execFile);

describe('@mailroom/client generated types', () => {
  it('match docs/api/openapi.json (run `npm run client:generate` after `npm run docs:api`)', async () => {
    const result = await run(process.execPath, ['libs/client/scripts/generate.mjs', '--check']).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
    );
    expect(result).toEqual({ code: 0, stderr: '' });
  });
});
