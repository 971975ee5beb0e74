import { describe, expect, it } from '@jest/globals';
import {
  assertSdkInternalsMatch,
  assertSdkVersions,
  installedSdkVersions,
  SDK_INTERNALS_WRITTEN_FOR,
  SdkVersionMismatchError,
} from './sdk5-internals.js';

describe('the SDK adapter version check', () => {
  it('reads the installed SDK and bindings versions from their package.json files', () => {
    expect(installedSdkVersions()).toEqual({ '@xmtp/node-sdk': '5.5.0', '@xmtp/node-bindings': '1.9.1' });
  });

  it('accepts the versions the adapter was written for, and so lets the gateway start here', () => {
    expect(() => assertSdkVersions({ ...SDK_INTERNALS_WRITTEN_FOR })).not.toThrow();
    expect(() => assertSdkInternalsMatch()).not.toThrow();
  });

  it('refuses another SDK version with a message naming both versions and the adapter', () => {
    let error: unknown;
    try {
      assertSdkVersions({ '@xmtp/node-sdk': '6.0.0', '@xmtp/node-bindings': '1.9.1' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SdkVersionMismatchError);
    const mismatch = error as SdkVersionMismatchError;
    expect(mismatch.mismatches).toEqual([{ pkg: '@xmtp/node-sdk', installed: '6.0.0', expected: '5.5.0' }]);
    expect(mismatch.message).toContain('@xmtp/node-sdk 6.0.0 is installed');
    expect(mismatch.message).toContain('written for 5.5.0');
    expect(mismatch.message).toContain('sdk5-internals.ts');
  });

  it('refuses a patch release of the bindings too: the private-object hooks depend on their exact shape', () => {
    expect(() => assertSdkVersions({ '@xmtp/node-sdk': '5.5.0', '@xmtp/node-bindings': '1.9.2' })).toThrow(
      /@xmtp\/node-bindings 1\.9\.2 is installed, but .* was written for 1\.9\.1/,
    );
  });
});
