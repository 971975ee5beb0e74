export {
  AttachmentEncryptor,
  AttachmentDecryptor,
  AttachmentIntegrityError,
  AUTH_TAG_BYTES,
} from './attachment-cipher.js';
export type {
  AttachmentKeys,
  SealedAttachment,
  DecryptOptions,
  AttachmentIntegrityFailure,
} from './attachment-cipher.js';
export { encodedAttachmentHeader, readEncodedAttachmentLayout, EncodedAttachmentError } from './encoded-attachment.js';
export type { AttachmentMetadata, EncodedAttachmentLayout, ContentCompression } from './encoded-attachment.js';
export {
  remoteAttachmentContent,
  sendRemoteAttachments,
  remoteAttachmentsIn,
  type UploadedAttachment,
} from './remote-attachment.js';
