import { type DecodedMessage, type RemoteAttachment, type RemoteAttachmentInfo } from '@xmtp/node-sdk';
import { sdkConversationOf, type XmtpConversation } from '../sdk/vocabulary.js';
import { xmtpSdk } from '../sdk/xmtp-sdk.js';
import type { SealedAttachment } from './attachment-cipher.js';

/** An encrypted file already stored at a URL, ready to be announced in a message. */
export interface UploadedAttachment {
  readonly url: string;
  readonly filename: string;
  readonly sealed: SealedAttachment;
}

/** The remote attachment content for one uploaded file; the scheme is the URL's (`https://` or `http://`). */
export function remoteAttachmentContent(upload: UploadedAttachment): RemoteAttachment {
  const { sealed } = upload;
  return {
    url: upload.url,
    contentDigest: sealed.contentDigest,
    secret: sealed.secret,
    salt: sealed.salt,
    nonce: sealed.nonce,
    scheme: `${new URL(upload.url).protocol}//`,
    contentLength: sealed.contentLength,
    filename: upload.filename,
  };
}

/**
 * Sends the uploads as one message: a remote attachment for one file, a multi remote attachment for several.
 * Returns the message id.
 */
export function sendRemoteAttachments(
  handle: XmtpConversation,
  uploads: readonly UploadedAttachment[],
): Promise<string> {
  const conversation = sdkConversationOf(handle);
  if (uploads.length === 0) throw new Error('nothing to send');
  if (uploads.length === 1) return conversation.sendRemoteAttachment(remoteAttachmentContent(uploads[0]!));
  return conversation.sendMultiRemoteAttachment({ attachments: uploads.map(remoteAttachmentContent) });
}

/** The remote attachments a message carries (one for a remote attachment, n for a multi), or undefined for other types. */
export function remoteAttachmentsIn(message: DecodedMessage<unknown>): RemoteAttachmentInfo[] | undefined {
  if (message.content === undefined || message.content === null) return undefined;
  const { isMultiRemoteAttachment, isRemoteAttachment } = xmtpSdk().sdk;
  if (isRemoteAttachment(message)) return [message.content];
  if (isMultiRemoteAttachment(message)) return [...message.content.attachments];
  return undefined;
}
