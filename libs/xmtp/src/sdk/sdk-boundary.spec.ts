// The rule of libs/xmtp, checked on the sources: the gateway sees only Mailroom's names, and only one adapter file
// reaches below the SDK's public API.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const ADAPTER = 'libs/xmtp/src/sdk/sdk5-internals.ts';

function sources(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts'))
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)))
    .filter((file) => !file.split(path.sep).includes('dist'));
}

const importsOf = (file: string, pkg: string) => new RegExp(`from '${pkg}(/[^']*)?'|import\\('${pkg}`).test(readFileSync(path.join(root, file), 'utf8'));

describe('the XMTP SDK boundary', () => {
  it('the gateway imports neither the SDK nor its bindings, only @mailroom/xmtp', () => {
    const offenders = sources('apps/gateway/src').filter((file) => importsOf(file, '@xmtp/node-sdk') || importsOf(file, '@xmtp/node-bindings'));
    expect(offenders).toEqual([]);
  });

  it('@mailroom/xmtp re-exports nothing wholesale from the SDK', () => {
    const index = readFileSync(path.join(root, 'libs/xmtp/src/index.ts'), 'utf8');
    expect(index).not.toMatch(/export \*\s+from '@xmtp\//);
    expect(index).not.toMatch(/from '@xmtp\//);
  });

  it('only the adapter reaches the bindings, patches SDK tables or prototypes', () => {
    const library = sources('libs/xmtp/src').filter((file) => !file.includes(`${path.sep}testing${path.sep}`) && !file.endsWith('.spec.ts'));
    const reaching = library.filter((file) => {
      const text = readFileSync(path.join(root, file), 'utf8');
      return importsOf(file, '@xmtp/node-bindings') || /\bApiUrls\b|\bHistorySyncUrls\b|\.prototype\.\w+\s*=/.test(text);
    });
    expect(reaching).toEqual([ADAPTER]);
  });
});
