import { describe, expect, it } from '@jest/globals';
import { attachmentsOf } from './message-attachments.js';

const type = (typeId: string) => ({ authorityId: 'xmtp.org', typeId, versionMajor: 1, versionMinor: 0 });
const info = (n: number) => ({
  url: `https://files.example/${n}`,
  contentDigest: `digest-${n}`,
  secret: 'c2VjcmV0',
  salt: 'c2FsdA==',
  nonce: 'bm9uY2U=',
  scheme: 'https://',
  contentLength: 1000 + n,
  filename: `file-${n}.pdf`,
});

describe('attachmentsOf', () => {
  it('describes a remote attachment without its key material', () => {
    const [attachment, ...rest] = attachmentsOf({ contentType: type('remoteStaticAttachment'), content: info(1) });
    expect(rest).toEqual([]);
    expect(attachment).toEqual({
      index: 0,
      kind: 'remote',
      filename: 'file-1.pdf',
      mimeType: null,
      url: 'https://files.example/1',
      contentDigest: 'digest-1',
      size: 1001,
    });
    expect(JSON.stringify(attachment)).not.toContain('c2VjcmV0');
  });

  it('numbers the files of a multi remote attachment in order, and reads a decimal-string length', () => {
    const content = {
      attachments: [info(1), { ...info(2), contentLength: '5000' }, { url: 'https://x/3', contentDigest: 'd3' }],
    };
    const found = attachmentsOf({ contentType: type('multiRemoteStaticAttachment'), content });
    expect(found.map((a) => [a.index, a.url, a.size, a.filename])).toEqual([
      [0, 'https://files.example/1', 1001, 'file-1.pdf'],
      [1, 'https://files.example/2', 5000, 'file-2.pdf'],
      [2, 'https://x/3', null, null],
    ]);
  });

  it('measures an inline attachment from its base64 bytes', () => {
    const content = { filename: 'a.txt', mimeType: 'text/plain', data: Buffer.from('hello world').toString('base64') };
    expect(attachmentsOf({ contentType: type('attachment'), content })).toEqual([
      { index: 0, kind: 'inline', filename: 'a.txt', mimeType: 'text/plain', url: null, contentDigest: null, size: 11 },
    ]);
  });

  it('is empty for other types and for undecodable content', () => {
    expect(attachmentsOf({ contentType: type('text'), content: 'hi' })).toEqual([]);
    expect(attachmentsOf({ contentType: type('remoteStaticAttachment'), content: null })).toEqual([]);
    expect(
      attachmentsOf({ contentType: type('multiRemoteStaticAttachment'), content: { attachments: 'nope' } }),
    ).toEqual([]);
  });
});
