import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { GATEWAY_MAIN, cleanEnv, glibcNode, runNode, type ChildRun } from '../support/process.js';

/**
 * The XMTP network as an operator sets it (XMTP_ENV, XMTP_GATEWAY_HOST, XMTP_SDK) on the built gateway: a network the
 * SDK in use cannot serve is refused before anything starts, with one line; a decentralized network with a gateway
 * host starts on SDK 6 and /readyz names it. The real testnet and mainnet are not reached: nothing at start connects to
 * the network (SDK 6 builds its Backend offline), and the gateway host here is a local TCP listener.
 */
const glibc =
  (process.report.getReport() as { header: { glibcVersionRuntime?: string } }).header.glibcVersionRuntime ?? '0';
const [major = 0, minor = 0] = glibc.split('.').map(Number);
const systemLoadsSdk6 = major > 2 || (major === 2 && minor >= 38);

const refuse = async (env: Record<string, string>) => {
  const run = runNode(GATEWAY_MAIN, cleanEnv({ DATA_DIR: '/nonexistent/never-created', ...env }));
  const { code } = await run.exited;
  return { code, lines: run.stderr().trim().split('\n') };
};

describe('XMTP network refused at start', () => {
  it('a decentralized network without XMTP_GATEWAY_HOST: one line, exit 78', async () => {
    expect(await refuse({ XMTP_ENV: 'testnet' })).toEqual({
      code: 78,
      lines: [
        'config error: XMTP_ENV=testnet needs XMTP_GATEWAY_HOST: the decentralized networks are reached through an XMTP Gateway Service, which pays their fees',
      ],
    });
  });

  it('mainnet with XMTP_SDK=5: one line, exit 78', async () => {
    expect(await refuse({ XMTP_ENV: 'mainnet', XMTP_GATEWAY_HOST: 'https://gw.example.com', XMTP_SDK: '5' })).toEqual({
      code: 78,
      lines: ['config error: XMTP_ENV=mainnet needs @xmtp/node-sdk 6 (node-sdk 5 knows local, dev, production)'],
    });
  });

  it(
    systemLoadsSdk6
      ? `this node (glibc ${glibc}) loads SDK 6 under XMTP_SDK=auto, so a gateway host on SDK 5 is refused only when named`
      : `mainnet under XMTP_SDK=auto on glibc ${glibc} (SDK 5 loads): refused once the SDK is known, one line saying why`,
    async () => {
      if (systemLoadsSdk6) {
        expect(await refuse({ XMTP_ENV: 'dev', XMTP_GATEWAY_HOST: 'https://gw.example.com', XMTP_SDK: '5' })).toEqual({
          code: 78,
          lines: [
            'config error: XMTP_GATEWAY_HOST needs @xmtp/node-sdk 6 (node-sdk 5 cannot reach a decentralized network)',
          ],
        });
        return;
      }
      const { code, lines } = await refuse({ XMTP_ENV: 'mainnet', XMTP_GATEWAY_HOST: 'https://gw.example.com' });
      expect(code).toBe(78);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        /^config error: XMTP_ENV=mainnet needs @xmtp\/node-sdk 6 \(node-sdk 5 knows local, dev, production\); XMTP_SDK=auto loaded @xmtp\/node-sdk 5\.5\.0 because SDK 6 does not load here \(GLIBC_2\.3\d' not found\): run on glibc >= 2\.38/,
      );
    },
  );
});

describe('a decentralized network on SDK 6', () => {
  let database: TestDatabase;
  let dataDir: string;
  let listener: net.Server;
  let gatewayPort: number;
  let run: ChildRun | undefined;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'mailroom-xmtp-network-'));
    // Stands in for the XMTP Gateway Service: readiness only opens a TCP connection to it.
    listener = net.createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    gatewayPort = (listener.address() as net.AddressInfo).port;
  });

  afterAll(async () => {
    if (run && run.child.exitCode === null) {
      run.child.kill('SIGTERM');
      await run.exited;
    }
    await new Promise((resolve) => listener?.close(resolve));
    await database?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('starts on testnet through the gateway host; the banner and /readyz name the network, the node and the host', async () => {
    run = runNode(
      GATEWAY_MAIN,
      cleanEnv({
        DATA_DIR: dataDir,
        DATABASE_URL: database.url,
        PORT: '0',
        HOST: '127.0.0.1',
        XMTP_SDK: '6',
        XMTP_ENV: 'testnet',
        // Credentials, path and query must not reach the banner or /readyz.
        XMTP_GATEWAY_HOST: `http://payer:s3cret@127.0.0.1:${gatewayPort}/gw?key=t0ken`,
      }),
      [],
      glibcNode(),
    );
    const [, url] = await run.waitForOutput(/Mailroom gateway is ready on (http:\/\/\S+)/, 90_000);
    expect(run.stdout()).toMatch(/XMTP network {2}testnet\n/);
    expect(run.stdout()).toMatch(/XMTP node {5}none set: the SDK's default for testnet\n/);
    expect(run.stdout()).toContain(`XMTP gateway  http://127.0.0.1:${gatewayPort} (XMTP Gateway Service)`);
    expect(run.stdout()).toMatch(/XMTP SDK\s+@xmtp\/node-sdk 6\.0\.0 \(XMTP_SDK=6\)/);

    const res = await fetch(`${url}/readyz`);
    const text = await res.text();
    expect(res.status).toBe(200);
    const body = JSON.parse(text) as {
      xmtpSdk: string;
      xmtpNetwork: unknown;
      checks: Record<string, { status: string; gating?: boolean }>;
    };
    expect(body.xmtpSdk).toBe('6.0.0');
    expect(body.xmtpNetwork).toEqual({ env: 'testnet', node: null, gatewayHost: `http://127.0.0.1:${gatewayPort}` });
    expect(body.checks.xmtpGateway).toMatchObject({ status: 'up', gating: false });
    expect(body.checks.xmtp).toBeUndefined();
    for (const secret of ['s3cret', 't0ken', 'payer']) {
      expect(text).not.toContain(secret);
      expect(run.stdout()).not.toContain(secret);
    }
  }, 150_000);
});
