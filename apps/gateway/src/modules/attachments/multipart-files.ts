import type { FastifyRequest } from 'fastify';
import type { Multipart } from '@fastify/multipart';
import { DomainError, ErrorCode } from '../../common/errors/index.js';
import type { IncomingFile, IncomingFiles } from './attachments.service.js';

const FILE_FIELD = 'file';

/**
 * The parts named `file` of a multipart request, streamed one after the other (a part must be consumed before the
 * next arrives). Other fields are ignored. `maxBytes` only keeps the parser from buffering past the service's limit.
 *
 * The parser's iterator is advanced by hand rather than wrapped in `for await`: a consumer that stops early (a refused
 * MIME type, a file over the limit) must not close it, so that `discardRest` can still read the request to its end.
 * A request left half-read poisons its keep-alive connection for the client's next request.
 */
export function multipartFiles(
  request: FastifyRequest,
  options: { maxBytes: number; maxFiles: number },
): IncomingFiles {
  if (!request.isMultipart()) {
    throw new DomainError(
      ErrorCode.UnsupportedMediaType,
      'Send the files as multipart/form-data, in parts named "file".',
    );
  }
  const parts = request.parts({
    limits: {
      fileSize: options.maxBytes + 1,
      files: options.maxFiles + 1,
      fields: 20,
      fieldSize: 64 * 1024,
      parts: options.maxFiles + 21,
    },
  }) as AsyncIterator<Multipart>;

  async function nextFile(): Promise<IteratorResult<IncomingFile>> {
    for (;;) {
      const next = await parts.next();
      if (next.done) return { done: true, value: undefined };
      const part = next.value;
      if (part.type !== 'file') continue;
      if (part.fieldname !== FILE_FIELD) {
        part.file.resume();
        continue;
      }
      return { done: false, value: { filename: part.filename, mimeType: part.mimetype, stream: part.file } };
    }
  }

  return {
    [Symbol.asyncIterator]: () => ({ next: nextFile }),
    async discardRest() {
      for (;;) {
        const next = await parts.next();
        if (next.done) return;
        if (next.value.type === 'file') next.value.file.resume();
      }
    },
  };
}
