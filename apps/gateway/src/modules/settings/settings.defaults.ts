/** Blob stores a tenant may pick for new attachments (the operator decides which of them are configured). */
export const ATTACHMENT_STORES = ['filesystem', 's3', 'ipfs'] as const;
export type AttachmentStore = (typeof ATTACHMENT_STORES)[number];

/** Upper bounds a tenant may set; the operator's defaults apply when a tenant sets nothing. */
export const SETTINGS_BOUNDS = {
  attachmentMaxBytes: { min: 1024, max: 1024 * 1024 * 1024 },
  attachmentMaxFiles: { min: 1, max: 20 },
} as const;

export const DEFAULT_ATTACHMENT_STORE: AttachmentStore = 'filesystem';
export const DEFAULT_ATTACHMENT_MAX_BYTES = 25 * 1024 * 1024;
export const DEFAULT_ATTACHMENT_MAX_FILES = 10;
