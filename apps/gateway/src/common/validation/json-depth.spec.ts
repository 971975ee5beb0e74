import { describe, expect, it } from '@jest/globals';
import { jsonNestingDepth } from './json-depth.js';

describe('jsonNestingDepth', () => {
  it('counts arrays and objects, not brackets inside strings', () => {
    expect(jsonNestingDepth('1')).toBe(0);
    expect(jsonNestingDepth('{"a":[1,{"b":[]}]}')).toBe(4);
    expect(jsonNestingDepth('{"a":"[[[[{{{{"}')).toBe(1);
    expect(jsonNestingDepth('["\\"[[[", []]')).toBe(2);
  });

  it('stops early once past the limit', () => {
    expect(jsonNestingDepth('['.repeat(100_000), 32)).toBe(33);
  });
});
