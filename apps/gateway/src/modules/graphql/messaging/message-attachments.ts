import type { MessageView } from '@mailroom/xmtp';

/** One file a message carries, as GraphQL shows it; key material stays in `content`. */
export interface MessageAttachmentView {
  index: number;
  /** `remote`: encrypted, stored at `url`; `inline`: the bytes are in the message. */
  kind: 'remote' | 'inline';
  filename: string | null;
  mimeType: string | null;
  url: string | null;
  contentDigest: string | null;
  /** Remote: ciphertext bytes when the sender stated them; inline: the file's bytes. */
  size: number | null;
}

type Json = Record<string, unknown>;

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
const count = (value: unknown): number | null => {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : null;
};

function remote(info: Json, index: number): MessageAttachmentView {
  return {
    index,
    kind: 'remote',
    filename: text(info.filename),
    mimeType: null,
    url: text(info.url),
    contentDigest: text(info.contentDigest),
    size: count(info.contentLength),
  };
}

/** The attachments of a message view (remote, multi remote or inline); empty for every other content type. */
export function attachmentsOf(message: Pick<MessageView, 'contentType' | 'content'>): MessageAttachmentView[] {
  const content = message.content;
  if (!content || typeof content !== 'object') return [];
  const json = content as Json;
  switch (message.contentType.typeId) {
    case 'remoteStaticAttachment':
      return [remote(json, 0)];
    case 'multiRemoteStaticAttachment':
      return Array.isArray(json.attachments)
        ? json.attachments.map((info, index) => remote((info ?? {}) as Json, index))
        : [];
    case 'attachment': {
      const base64 = typeof json.data === 'string' ? json.data : '';
      return [
        {
          index: 0,
          kind: 'inline',
          filename: text(json.filename),
          mimeType: text(json.mimeType),
          url: null,
          contentDigest: null,
          size: Buffer.byteLength(base64, 'base64'),
        },
      ];
    }
    default:
      return [];
  }
}
