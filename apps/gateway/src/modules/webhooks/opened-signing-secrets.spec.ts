import { describe, expect, it } from '@jest/globals';
import { OpenedSigningSecrets, type SealedEndpointSecrets } from './webhook-secrets.js';

const bytes = (...values: number[]) => Uint8Array.from(values);
const now = new Date('2026-12-04T12:00:00Z');
const later = (ms: number) => new Date(now.getTime() + ms);

describe('OpenedSigningSecrets', () => {
  const current: SealedEndpointSecrets = { wrappedDataKey: bytes(9), sealedSecret: bytes(1, 2, 3) };

  it('answers the secrets opened from the same sealed bytes within a minute', () => {
    const cache = new OpenedSigningSecrets();
    cache.set('e1', current, ['whsec_a'], now);
    expect(cache.get('e1', { ...current, sealedSecret: bytes(1, 2, 3) }, later(59_000))).toEqual(['whsec_a']);
    expect(cache.get('e2', current, later(1))).toBeUndefined();
  });

  it('misses after a minute and when the sealed secret changed (rotation, new secret)', () => {
    const cache = new OpenedSigningSecrets();
    cache.set('e1', current, ['whsec_a'], now);
    expect(cache.get('e1', current, later(60_001))).toBeUndefined();
    cache.set('e1', current, ['whsec_a'], now);
    expect(cache.get('e1', { ...current, sealedSecret: bytes(1, 2, 4) }, later(1))).toBeUndefined();
    // The miss dropped the entry: the old bytes do not bring it back.
    expect(cache.get('e1', current, later(2))).toBeUndefined();
  });

  it('drops the previous secret once its overlap ends', () => {
    const cache = new OpenedSigningSecrets();
    const rotated: SealedEndpointSecrets = {
      ...current,
      previousSealedSecret: bytes(7),
      previousSecretUntil: later(10_000),
    };
    cache.set('e1', rotated, ['whsec_new', 'whsec_old'], now);
    expect(cache.get('e1', rotated, later(5_000))).toEqual(['whsec_new', 'whsec_old']);
    expect(cache.get('e1', rotated, later(10_000))).toEqual(['whsec_new']);
    expect(cache.get('e1', { ...rotated, previousSecretUntil: later(20_000) }, later(1))).toBeUndefined();
  });
});
