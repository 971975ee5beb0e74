import { describe, expect, it } from '@jest/globals';
import { DomainError } from '../../common/errors/index.js';
import { parseOutgoingContent } from './outgoing-content.parser.js';
import { INLINE_ATTACHMENT_MAX_BYTES } from './structured-content.parser.js';

const b64 = (bytes: number) => Buffer.alloc(bytes, 1).toString('base64');

function problems(raw: unknown, limits?: { inlineAttachmentMaxBytes: number }): { field: string; message: string }[] {
  try {
    parseOutgoingContent(raw, limits);
  } catch (error) {
    if (error instanceof DomainError) return [...(error.details.errors ?? [])];
    throw error;
  }
  throw new Error('expected a validation failure');
}

describe('parseOutgoingContent', () => {
  it('bounds inline attachments at 900 KiB however high the operator limit', () => {
    const at = parseOutgoingContent(
      { type: 'attachment', mimeType: 'Image/PNG', data: b64(INLINE_ATTACHMENT_MAX_BYTES) },
      { inlineAttachmentMaxBytes: 10 ** 9 },
    );
    expect(at).toMatchObject({ type: 'attachment', mimeType: 'image/png' });
    const over = problems(
      { type: 'attachment', mimeType: 'image/png', data: b64(INLINE_ATTACHMENT_MAX_BYTES + 1) },
      { inlineAttachmentMaxBytes: 10 ** 9 },
    );
    expect(over).toEqual([
      { field: 'content.data', message: expect.stringContaining(`limit is ${INLINE_ATTACHMENT_MAX_BYTES} bytes`) },
    ]);
  });

  it('normalises action expiry times to ISO 8601 UTC with milliseconds and keeps URLs as given', () => {
    const content = parseOutgoingContent({
      type: 'actions',
      id: 'a',
      description: 'd',
      expiresAt: '2030-01-01T02:00:00+02:00',
      actions: [{ id: 'x', label: 'X', imageUrl: 'https://img.example' }],
    });
    expect(content).toMatchObject({
      expiresAt: '2030-01-01T00:00:00.000Z',
      actions: [{ imageUrl: 'https://img.example' }],
    });
  });

  it('derives a remote attachment scheme from its URL and lowercases the digest', () => {
    const content = parseOutgoingContent({
      type: 'remoteAttachment',
      url: 'https://files.example/x',
      contentDigest: 'AB'.repeat(32),
      secret: b64(32),
      salt: b64(32),
      nonce: b64(12),
      contentLength: 10,
    });
    expect(content).toMatchObject({ scheme: 'https://', contentDigest: 'ab'.repeat(32) });
  });

  it('treats null as absent for optional fields (GraphQL sends explicit nulls)', () => {
    const content = parseOutgoingContent({
      type: 'actions',
      id: 'a',
      description: 'd',
      expiresAt: null,
      actions: [{ id: 'x', label: 'X', style: null, imageUrl: null }],
    });
    expect(content).toMatchObject({
      actions: [{ id: 'x', label: 'X', style: undefined, imageUrl: undefined }],
      expiresAt: undefined,
    });
  });

  it('refuses structured content over 256 KiB of JSON as a whole', () => {
    const calls = Array.from({ length: 50 }, () => ({ data: `0x${'00'.repeat(3000)}` }));
    expect(
      problems({ type: 'walletSendCalls', version: '1', chainId: '0x1', from: `0x${'1'.repeat(40)}`, calls }),
    ).toEqual([{ field: 'content', message: expect.stringContaining('limit is 262144') }]);
  });

  it('names the known types when the type is unknown', () => {
    expect(problems({ type: 'sticker' })[0]!.message).toContain(
      'transactionReference, walletSendCalls, actions, intent, attachment, remoteAttachment',
    );
  });
});

describe('parseOutgoingContent messages', () => {
  it('states the range a number must be in', () => {
    const found = problems({
      type: 'transactionReference',
      networkId: '1',
      reference: '0x1',
      metadata: { transactionType: 't', currency: 'c', amount: -1, decimals: 300, fromAddress: 'a', toAddress: 'b' },
    });
    expect(found).toEqual([
      { field: 'content.metadata.amount', message: 'must be a number of at least 0' },
      { field: 'content.metadata.decimals', message: 'must be an integer from 0 to 255' },
    ]);
  });
});
