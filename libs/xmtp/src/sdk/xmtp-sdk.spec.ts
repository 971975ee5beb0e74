import { describe, expect, it } from '@jest/globals';
import { loadSdk6Adapter, SDK6_INTERNALS_WRITTEN_FOR } from './sdk6-internals.js';
import { selectXmtpSdk, XmtpSdkUnavailableError, xmtpSdk } from './xmtp-sdk.js';

// What this process's glibc can load decides what `auto` picks: node-sdk 6's bindings need glibc >= 2.38.
const glibc =
  (process.report.getReport() as { header: { glibcVersionRuntime?: string } }).header.glibcVersionRuntime ?? '0';
const [major = 0, minor = 0] = glibc.split('.').map(Number);
const loadsSdk6 = major > 2 || (major === 2 && minor >= 38);

describe(`XMTP SDK selection (glibc ${glibc})`, () => {
  it(
    loadsSdk6 ? 'loads node-sdk 6.0.0 with bindings 1.10.0' : 'refuses XMTP_SDK=6 with a line naming glibc and the fix',
    async () => {
      if (loadsSdk6) {
        const adapter = await loadSdk6Adapter();
        expect({ major: adapter.major, version: adapter.version, bindingsVersion: adapter.bindingsVersion }).toEqual({
          major: 6,
          version: SDK6_INTERNALS_WRITTEN_FOR['@xmtp/node-sdk'],
          bindingsVersion: SDK6_INTERNALS_WRITTEN_FOR['@xmtp/node-bindings'],
        });
      } else {
        const error = await selectXmtpSdk('6').catch((e: unknown) => e);
        expect(error).toBeInstanceOf(XmtpSdkUnavailableError);
        expect((error as Error).message).toMatch(/GLIBC_2\.3\d/);
        expect((error as Error).message).toContain('npm run glibc:fetch');
      }
    },
  );

  it('auto picks the newest SDK the process loads and says why it fell back; the choice then holds', async () => {
    const selection = await selectXmtpSdk('auto');
    expect(selection.adapter.major).toBe(loadsSdk6 ? 6 : 5);
    if (loadsSdk6) expect(selection.fallbackReason).toBeUndefined();
    else expect(selection.fallbackReason).toMatch(/GLIBC_2\.3\d/);
    expect(xmtpSdk()).toBe(selection.adapter);
    await expect(selectXmtpSdk(loadsSdk6 ? '5' : '6')).rejects.toThrow(/already in use/);
  });
});
