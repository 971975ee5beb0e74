/**
 * Whether a message should wake the recipient's device: the `should_push` flag libxmtp's codecs give each standard
 * content type (text, markdown, replies, attachments, transactions do; reactions, read receipts, group updates and
 * other housekeeping do not). The decoded message a receiving client sees does not carry the sender's flag, so the
 * type decides; unknown types count as silent, as the SDK's generic `send` defaults to `shouldPush: false`.
 */
const PUSHED_TYPES = new Set([
  'xmtp.org/text',
  'xmtp.org/markdown',
  'xmtp.org/reply',
  'xmtp.org/attachment',
  'xmtp.org/remoteStaticAttachment',
  'xmtp.org/multiRemoteStaticAttachment',
  'xmtp.org/transactionReference',
  'xmtp.org/walletSendCalls',
]);

export interface ContentTypeRef {
  authorityId: string;
  typeId: string;
}

export function shouldPush(contentType: ContentTypeRef | undefined | null): boolean {
  return (
    contentType !== undefined &&
    contentType !== null &&
    PUSHED_TYPES.has(`${contentType.authorityId}/${contentType.typeId}`)
  );
}
