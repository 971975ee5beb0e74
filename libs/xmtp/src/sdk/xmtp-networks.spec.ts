// Which network options reach each SDK: the env, the node and the gateway host of the decentralized networks. The
// real testnet and mainnet are not reachable from a test; what is checked is what the SDKs are given and what they
// themselves accept or refuse (node-sdk 6's createBackend validates a network without connecting).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { DECENTRALIZED_XMTP_ENVS, XMTP_ENVS, XMTP_ENVS_BY_SDK_MAJOR } from '@mailroom/config';
import type { XmtpEnv } from './adapter.js';
import { sdk5Adapter, SDK5_ENVS } from './sdk5-internals.js';
import { loadSdk6Adapter, sdk6Networks, type Backend, type Sdk6Network } from './sdk6-internals.js';

const glibc =
  (process.report.getReport() as { header: { glibcVersionRuntime?: string } }).header.glibcVersionRuntime ?? '0';
const [major = 0, minor = 0] = glibc.split('.').map(Number);
const loadsSdk6 = major > 2 || (major === 2 && minor >= 38);

const GATEWAY = 'https://gateway.example.com';

/** The `XmtpEnv` union an installed SDK declares, read from its type declarations. */
function declaredEnvs(pkg: string): string[] {
  const require = createRequire(import.meta.url);
  const declarations = readFileSync(
    path.join(path.dirname(require.resolve(`${pkg}/package.json`)), 'dist/index.d.ts'),
    'utf8',
  );
  const union = declarations.match(/type XmtpEnv = ([^;]+);/)?.[1];
  if (!union) throw new Error(`${pkg} declares no XmtpEnv union`);
  return [...union.matchAll(/"([^"]+)"/g)].map((m) => m[1]!);
}

/** node-sdk 6's network members, with a createBackend that records what it is given. */
function recordingSdk6(): { sdk: Sdk6Network; built: Array<Record<string, unknown>> } {
  const built: Array<Record<string, unknown>> = [];
  const sdk: Sdk6Network = {
    ApiUrls: { local: 'http://localhost:5556', dev: 'https://grpc.dev.xmtp.network:443' },
    HistorySyncUrls: Object.fromEntries(XMTP_ENVS.map((env) => [env, `https://history.example/${env}`])),
    createBackend: async (options) => {
      built.push({ ...options });
      return { env: options.env, v3Host: options.apiUrl ?? null, gatewayHost: options.gatewayHost ?? null } as Backend;
    },
  };
  return { sdk, built };
}

describe('the network names', () => {
  it("are the installed SDKs' own: 5.5 knows local, dev, production; 6 adds the decentralized ones", () => {
    expect(SDK5_ENVS).toEqual([...XMTP_ENVS_BY_SDK_MAJOR[5]]);
    expect(declaredEnvs('@xmtp/node-sdk-6')).toEqual([...XMTP_ENVS_BY_SDK_MAJOR[6]]);
    expect(XMTP_ENVS_BY_SDK_MAJOR[6].filter((env) => !XMTP_ENVS_BY_SDK_MAJOR[5].includes(env))).toEqual([
      ...DECENTRALIZED_XMTP_ENVS,
    ]);
  });
});

describe('SDK 6 network options', () => {
  it('hands env and gateway host to createBackend at start, and to every client and static call after', async () => {
    const { sdk, built } = recordingSdk6();
    const networks = sdk6Networks(sdk);
    await networks.useNetwork({ env: 'mainnet', gatewayHost: `${GATEWAY}/` });
    expect(built).toEqual([{ env: 'mainnet', apiUrl: undefined, gatewayHost: GATEWAY }]);
    expect(networks.clientNetworkOptions('mainnet')).toEqual({
      env: 'mainnet',
      apiUrl: undefined,
      gatewayHost: GATEWAY,
    });
    // The static calls reuse the Backend built at start: same env, node and gateway host.
    const backend = await networks.backendFor('mainnet');
    expect(backend.gatewayHost).toBe(GATEWAY);
    expect(built).toHaveLength(1);
  });

  it('keeps the gateway host when a node is named for the same env, and passes both', async () => {
    const { sdk, built } = recordingSdk6();
    const networks = sdk6Networks(sdk);
    await networks.useNetwork({ env: 'testnet', apiUrl: 'https://node.example.com:5050/', gatewayHost: GATEWAY });
    expect(built).toEqual([{ env: 'testnet', apiUrl: 'https://node.example.com:5050', gatewayHost: GATEWAY }]);
    expect(networks.clientNetworkOptions('testnet')).toEqual({
      env: 'testnet',
      apiUrl: 'https://node.example.com:5050',
      gatewayHost: GATEWAY,
    });
    expect(networks.endpointsOf('testnet')).toEqual({
      apiUrl: 'https://node.example.com:5050',
      historySyncUrl: 'https://history.example/testnet',
      gatewayHost: GATEWAY,
    });
  });

  it('gives a centralized network no gateway host unless one is set', async () => {
    const { sdk, built } = recordingSdk6();
    const networks = sdk6Networks(sdk);
    await networks.useNetwork({ env: 'dev' });
    expect(built).toEqual([{ env: 'dev', apiUrl: 'https://grpc.dev.xmtp.network:443', gatewayHost: undefined }]);
    expect(networks.clientNetworkOptions('dev', 'https://other.example')).toEqual({
      env: 'dev',
      apiUrl: 'https://other.example',
      gatewayHost: undefined,
    });
  });

  it('refuses a network name it does not know before building anything', async () => {
    const { sdk, built } = recordingSdk6();
    await expect(sdk6Networks(sdk).useNetwork({ env: 'moon' as XmtpEnv })).rejects.toThrow(
      '@xmtp/node-sdk 6 has no XMTP network "moon"',
    );
    expect(built).toEqual([]);
  });

  it(
    loadsSdk6
      ? 'the real node-sdk 6 refuses mainnet without a gateway host and builds it with one (no connection made)'
      : `the real node-sdk 6 cannot load on glibc ${glibc}, so its own refusal is not exercised here (run under .cache/glibc/bin/node)`,
    async () => {
      if (!loadsSdk6) {
        await expect(loadSdk6Adapter()).rejects.toThrow();
        return;
      }
      const adapter = await loadSdk6Adapter();
      await expect(adapter.useNetwork({ env: 'mainnet' })).rejects.toThrow(/MissingGatewayHost/);
      await adapter.useNetwork({ env: 'testnet', gatewayHost: GATEWAY });
      expect(adapter.clientNetworkOptions('testnet')).toEqual({
        env: 'testnet',
        apiUrl: undefined,
        gatewayHost: GATEWAY,
      });
      expect(adapter.endpoints('testnet').gatewayHost).toBe(GATEWAY);
    },
  );
});

describe('SDK 5 network options', () => {
  const adapter = sdk5Adapter();

  it('passes the env and the node, never a gateway host', () => {
    expect(adapter.clientNetworkOptions('production', 'https://grpc.example.com')).toEqual({
      env: 'production',
      apiUrl: 'https://grpc.example.com',
    });
  });

  it.each(DECENTRALIZED_XMTP_ENVS)('refuses %s, a network node-sdk 5.5 cannot name', async (env) => {
    await expect(adapter.useNetwork({ env, gatewayHost: GATEWAY })).rejects.toThrow(
      `@xmtp/node-sdk 5 has no XMTP network "${env}" (it knows local, dev, production)`,
    );
    expect(() => adapter.clientNetworkOptions(env)).toThrow(/has no XMTP network/);
  });

  it('refuses a gateway host (node-sdk 5.5 documents it for the decentralized networks only)', async () => {
    await expect(adapter.useNetwork({ env: 'dev', gatewayHost: GATEWAY })).rejects.toThrow(
      '@xmtp/node-sdk 5 cannot use an XMTP Gateway Service',
    );
  });
});
