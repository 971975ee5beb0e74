// Generators of hostile values: wrong types, huge and odd strings, deep JSON, bad ids, bad cursors.
import fc from 'fast-check';

/** Built once and shared by reference, so generating them costs nothing per run. */
const HUGE = ['x'.repeat(70_000), 'é'.repeat(400_000), '🤖'.repeat(20_000)];

export const oddStrings = fc.constantFrom(
  '',
  ' ',
  '\u0000',
  '\u202e\u200b',
  '\ud800',
  '../../etc/passwd',
  "' OR 1=1 --",
  '"; DROP TABLE tenants; --',
  '%',
  '%zz',
  '%00',
  'null',
  'undefined',
  'NaN',
  '-1',
  '1e309',
  '0x',
  `0x${'f'.repeat(64)}`,
  `0x${'0'.repeat(40)}`,
  '00000000-0000-0000-0000-000000000000',
  'ｆｕｌｌｗｉｄｔｈ',
  '<script>alert(1)</script>',
  '{{7*7}}',
  '__proto__',
  'constructor',
);

export const hugeString = fc.constantFrom(...HUGE);

export const weirdString = fc.oneof(
  { weight: 4, arbitrary: oddStrings },
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: hugeString },
);

/** Any JSON-ish value of the wrong kind for most fields. */
export const wrongTyped: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom(Number.MAX_SAFE_INTEGER + 2, -0, 1e300),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }),
  fc.dictionary(fc.constantFrom('__proto__', 'constructor', 'a', 'type', ''), fc.jsonValue({ maxDepth: 1 }), {
    maxKeys: 3,
  }),
  weirdString,
);

/** Raw JSON text nested `depth` deep (arrays or objects), beyond what any handler expects. */
export function deepJson(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array' ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

/** Bodies that are not the JSON object a route expects, as raw text. */
export const rawBodies = fc.oneof(
  fc.constantFrom(
    '',
    '{',
    '{"a":',
    'null',
    '[]',
    '"text"',
    '123',
    'true',
    '{"__proto__":{"polluted":1}}',
    '\u0000',
    '\ufeff{}',
  ),
  fc.constantFrom(deepJson(20_000, 'array'), deepJson(5_000, 'object'), deepJson(200, 'object'), deepJson(64, 'array')),
  fc.constantFrom(`{"pad":"${'a'.repeat(3 * 1024 * 1024)}"}`),
  fc.string({ unit: 'grapheme', maxLength: 60 }),
);

/** Header-safe (visible Latin-1) but invalid Idempotency-Keys. */
export const badIdempotencyKeys = fc.oneof(
  fc.constantFrom('', ' ', 'x'.repeat(256), 'x'.repeat(8_000), 'é', '\t', 'a b'),
  // Visible ASCII and visible Latin-1 (DEL and the C1 controls in between are not valid header bytes for fetch).
  fc.string({
    unit: fc
      .oneof(fc.integer({ min: 0x21, max: 0x7e }), fc.integer({ min: 0xa0, max: 0xff }))
      .map((c) => String.fromCharCode(c)),
    maxLength: 300,
  }),
);

/** Path segments that are not ids this tenant owns (encoded as the client would, or raw). */
export const badIds = fc.oneof(
  fc.uuid().map((u) => u),
  fc.constantFrom(
    '0',
    '-1',
    '1.5',
    'x'.repeat(2_000),
    '%2e%2e',
    '%2F',
    '%',
    '%zz',
    '%00',
    '%E2%80%AE',
    'null',
    '__proto__',
  ),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }).map(encodeURIComponent),
);

export const badCursors = fc.oneof(
  fc.constantFrom(
    '',
    '=',
    'eyJ9',
    'eyJpZCI6bnVsbH0',
    Buffer.from('{"id":"x","ts":"nope"}').toString('base64url'),
    'a'.repeat(5_000),
  ),
  fc.base64String({ maxLength: 80 }),
  fc.jsonValue({ maxDepth: 2 }).map((v) => Buffer.from(JSON.stringify(v) ?? 'null').toString('base64url')),
  weirdString,
);

export const badLimits = fc.oneof(
  fc.constantFrom('-1', '0', '101', '100000', '1e3', '1.5', 'abc', '', 'NaN', 'Infinity', '0x10', '9'.repeat(40)),
  fc.integer().map(String),
);
