import type { FastifyRequest } from 'fastify';
import type { Multipart } from '@fastify/multipart';
import { DomainError, ErrorCode } from '../../common/errors/index.js';
import type { IncomingFile, IncomingFiles } from './attachments.service.js';

const FILE_FIELD = 'file';

/**
 * The parts named `file` of a multipart request, streamed one after the other (a part must be consumed before the
 * next arrives). Other fields are ignored. `maxBytes` only keeps the parser from buffering past the service's limit.
 */
export function multipartFiles(request: FastifyRequest, options: { maxBytes: number; maxFiles: number }): IncomingFiles {
  if (!request.isMultipart()) {
    throw new DomainError(ErrorCode.UnsupportedMediaType, 'Send the files as multipart/form-data, in parts named "file".');
  }
  const parts = request.parts({
    limits: { fileSize: options.maxBytes + 1, files: options.maxFiles + 1, fields: 20, fieldSize: 64 * 1024, parts: options.maxFiles + 21 },
  });
  const files = (async function* (): AsyncGenerator<IncomingFile> {
    for await (const part of parts as AsyncIterable<Multipart>) {
      if (part.type !== 'file') continue;
      if (part.fieldname !== FILE_FIELD) {
        part.file.resume();
        continue;
      }
      yield { filename: part.filename, mimeType: part.mimetype, stream: part.file };
    }
  })();
  return {
    [Symbol.asyncIterator]: () => files,
    async discardRest() {
      for await (const part of parts as AsyncIterable<Multipart>) if (part.type === 'file') part.file.resume();
    },
  };
}
