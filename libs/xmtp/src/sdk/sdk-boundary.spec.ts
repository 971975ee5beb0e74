// The rule of libs/xmtp, checked on the sources: the gateway sees only Mailroom's names, and only one adapter file
// reaches below each SDK's public API.
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const ADAPTERS = ['libs/xmtp/src/sdk/sdk5-internals.ts', 'libs/xmtp/src/sdk/sdk6-internals.ts'];

function sources(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts'))
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)))
    .filter((file) => !file.split(path.sep).includes('dist'));
}

const importsOf = (file: string, pkg: string) =>
  new RegExp(`from '${pkg}(/[^']*)?'|import\\('${pkg}`).test(readFileSync(path.join(root, file), 'utf8'));

describe('the XMTP SDK boundary', () => {
  it('the gateway imports neither the SDK nor its bindings, only @mailroom/xmtp', () => {
    const offenders = sources('apps/gateway/src').filter(
      (file) =>
        importsOf(file, '@xmtp/node-sdk') ||
        importsOf(file, '@xmtp/node-sdk-6') ||
        importsOf(file, '@xmtp/node-bindings'),
    );
    expect(offenders).toEqual([]);
  });

  it('@mailroom/xmtp re-exports nothing wholesale from the SDK', () => {
    const index = readFileSync(path.join(root, 'libs/xmtp/src/index.ts'), 'utf8');
    expect(index).not.toMatch(/export \*\s+from '@xmtp\//);
    expect(index).not.toMatch(/from '@xmtp\//);
  });

  it('only the adapters reach the bindings, patches SDK tables or prototypes', () => {
    const library = sources('libs/xmtp/src').filter(
      (file) => !file.includes(`${path.sep}testing${path.sep}`) && !file.endsWith('.spec.ts'),
    );
    const reaching = library.filter((file) => {
      const text = readFileSync(path.join(root, file), 'utf8');
      return (
        importsOf(file, '@xmtp/node-bindings') || /\bApiUrls\b|\bHistorySyncUrls\b|\.prototype\.\w+\s*=/.test(text)
      );
    });
    expect(reaching.sort()).toEqual(ADAPTERS);
  });

  it('only the SDK 6 adapter loads @xmtp/node-sdk-6; everything else gets the selected SDK from xmtpSdk()', () => {
    const library = sources('libs/xmtp/src').filter((file) => !file.endsWith('.spec.ts'));
    expect(library.filter((file) => readFileSync(path.join(root, file), 'utf8').includes("@xmtp/node-sdk-6'"))).toEqual(
      [ADAPTERS[1]],
    );
    // Classes and functions come from the selected SDK; SDK 5.5's module is imported for types and enums only.
    const perVersion = new Set([
      'Client',
      'Dm',
      'Group',
      'getInboxIdForIdentifier',
      'encodeText',
      'isRemoteAttachment',
      'isMultiRemoteAttachment',
    ]);
    const valueImports = library
      .filter((file) => !ADAPTERS.includes(file))
      .flatMap((file) =>
        [...readFileSync(path.join(root, file), 'utf8').matchAll(/import \{([^}]*)\} from '@xmtp\/node-sdk'/g)]
          .flatMap((match) => match[1]!.split(',').map((name) => name.trim()))
          .filter((name) => perVersion.has(name))
          .map((name) => `${file}: ${name}`),
      );
    expect(valueImports).toEqual([]);
  });
});
