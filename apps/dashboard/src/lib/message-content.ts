import type { Schema } from '@mailroom/client';

type Message = Schema<'MessageResponse'>;

export interface AttachmentInfo {
  filename: string;
  size: number | null;
  /** Remote attachments carry the size of their encrypted payload only (a little more than the file). */
  sizeIsEncrypted: boolean;
  mimeType: string | null;
  /** Position in a multi-attachment message (null for a single one). */
  index: number | null;
}

export type MessageBody =
  | { kind: 'text'; text: string }
  | { kind: 'reaction'; emoji: string; removed: boolean }
  | { kind: 'attachments'; attachments: AttachmentInfo[] }
  | { kind: 'system'; text: string }
  | { kind: 'unsupported'; text: string };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null;
const num = (v: unknown): number | null =>
  typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : null;
const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);

function attachmentOf(raw: unknown, index: number | null): AttachmentInfo {
  const a = isObj(raw) ? raw : {};
  const data = a.data;
  const inlineSize =
    typeof data === 'string' ? Math.floor((data.length * 3) / 4) : isObj(data) ? Object.keys(data).length : null;
  const plainSize = num(a.size) ?? inlineSize;
  return {
    filename: str(a.filename) ?? 'attachment',
    size: plainSize ?? num(a.contentLength),
    sizeIsEncrypted: plainSize === null && num(a.contentLength) !== null,
    mimeType: str(a.mimeType) ?? str(a.contentType),
    index,
  };
}

/** What a message shows in the conversation browser, by XMTP content type. */
export function messageBody(message: Message): MessageBody {
  const { typeId } = message.contentType;
  const content = message.content;
  if (message.kind === 'membership_change' || typeId === 'group_updated')
    return { kind: 'system', text: 'Group membership or details changed' };
  switch (typeId) {
    case 'text':
    case 'markdown':
      return { kind: 'text', text: typeof content === 'string' ? content : (message.text ?? '') };
    case 'reply':
      return {
        kind: 'text',
        text: message.text ?? (isObj(content) && typeof content.content === 'string' ? content.content : 'Reply'),
      };
    case 'reaction':
      return {
        kind: 'reaction',
        emoji: isObj(content) ? String(content.content ?? '') : '',
        removed: isObj(content) && content.action === 'removed',
      };
    case 'readReceipt':
      return { kind: 'system', text: 'Read receipt' };
    case 'attachment':
    case 'remoteStaticAttachment':
      return { kind: 'attachments', attachments: [attachmentOf(content, null)] };
    case 'multiRemoteStaticAttachment': {
      const list = isObj(content) && Array.isArray(content.attachments) ? content.attachments : [];
      return { kind: 'attachments', attachments: list.map((a, i) => attachmentOf(a, i)) };
    }
    default:
      return {
        kind: 'unsupported',
        text: message.fallback ?? `Unsupported content type ${message.contentType.authorityId}/${typeId}`,
      };
  }
}
