import { describe, it, expect } from '@jest/globals';
import { contentDisposition, sanitizeFilename } from './filename.js';
import { isMimeTypeAllowed, normalizeMimeType } from './mime-policy.js';

describe('sanitizeFilename', () => {
  it.each([
    ['report.pdf', 'report.pdf'],
    ['../../etc/passwd', 'passwd'],
    ['C:\\Users\\me\\photo.jpg', 'photo.jpg'],
    ['a\u0000b\u202ec.txt', 'abc.txt'],
    ['what?<is>|this*.txt', 'what__is__this_.txt'],
    ['  ..hidden  ', 'hidden'],
    ['', 'attachment'],
    [undefined, 'attachment'],
    ['...', 'attachment'],
  ])('%j → %j', (raw, expected) => {
    expect(sanitizeFilename(raw)).toBe(expected);
  });

  it('keeps at most 255 UTF-8 bytes and the extension', () => {
    const name = sanitizeFilename(`${'é'.repeat(300)}.tar.gz`);
    expect(Buffer.byteLength(name)).toBeLessThanOrEqual(255);
    expect(name.endsWith('.gz')).toBe(true);
  });

  it('encodes non-ASCII names for Content-Disposition', () => {
    expect(contentDisposition('naïve "plan".pdf')).toBe(
      `attachment; filename="na_ve _plan_.pdf"; filename*=UTF-8''na%C3%AFve%20%22plan%22.pdf`,
    );
  });
});

describe('MIME policy', () => {
  it('normalises types and falls back to octet-stream', () => {
    expect(normalizeMimeType('Text/Plain; charset=utf-8')).toBe('text/plain');
    expect(normalizeMimeType('')).toBe('application/octet-stream');
    expect(normalizeMimeType('not a type')).toBe('application/octet-stream');
  });

  it('allows by pattern, deny wins', () => {
    expect(isMimeTypeAllowed('image/png', ['image/*'], [])).toBe(true);
    expect(isMimeTypeAllowed('application/pdf', ['image/*'], [])).toBe(false);
    expect(isMimeTypeAllowed('image/svg+xml', ['*'], ['image/svg+xml'])).toBe(false);
    expect(isMimeTypeAllowed('video/mp4', ['*'], ['video/*'])).toBe(false);
  });
});
