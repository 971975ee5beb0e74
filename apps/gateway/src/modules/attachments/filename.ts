const MAX_FILENAME_BYTES = 255;
const FALLBACK = 'attachment';

/**
 * A file name safe to store, send and put in a Content-Disposition: the last path segment only, Unicode NFC, no
 * control characters nor characters that are special on common file systems, no leading/trailing dots or spaces,
 * at most 255 UTF-8 bytes (the extension kept when shortening).
 */
export function sanitizeFilename(raw: string | undefined | null): string {
  const lastSegment = (raw ?? '').split(/[/\\]/).pop() ?? '';
  const cleaned = lastSegment
    .normalize('NFC')
    // eslint-disable-next-line no-control-regex -- control characters are exactly what a filename must not carry
    .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g, '')
    .replace(/[<>:"|?*]/g, '_')
    .replace(/\s+/g, ' ')
    .replace(/^[\s.]+|[\s.]+$/g, '');
  if (!cleaned) return FALLBACK;
  if (Buffer.byteLength(cleaned) <= MAX_FILENAME_BYTES) return cleaned;
  const dot = cleaned.lastIndexOf('.');
  const extension = dot > 0 && cleaned.length - dot <= 16 ? cleaned.slice(dot) : '';
  let stem = cleaned.slice(0, cleaned.length - extension.length);
  while (Buffer.byteLength(stem + extension) > MAX_FILENAME_BYTES) stem = [...stem].slice(0, -1).join('');
  return stem + extension;
}

/** `attachment; filename="ascii fallback"; filename*=UTF-8''percent-encoded` (RFC 6266 / RFC 8187). */
export function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(filename).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
