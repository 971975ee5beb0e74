import { Controller, Get, Param, Res, StreamableFile } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { BlobNotFoundError } from '@mailroom/blob-storage';
import { DomainError, ErrorCode } from '../../common/errors/index.js';
import { BlobStoresHolder } from './blob-stores.provider.js';

/** Public: the filesystem store's blobs are ciphertext, readable only with the key inside the XMTP message. */
@ApiTags('attachments')
@Controller('blobs')
export class BlobsController {
  constructor(private readonly stores: BlobStoresHolder) {}

  @Get(':key')
  @ApiOperation({ summary: 'Ciphertext of an attachment kept by the filesystem blob store (public: it is encrypted).' })
  @ApiOkResponse({
    description: 'The ciphertext.',
    content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
  })
  async get(@Param('key') key: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<StreamableFile> {
    const store = this.stores.filesystem;
    try {
      const length = await store.size(key);
      const stream = await store.get(key);
      reply.header('cache-control', 'public, max-age=31536000, immutable');
      reply.header('x-content-type-options', 'nosniff');
      return new StreamableFile(stream, { type: 'application/octet-stream', length });
    } catch (error) {
      if (error instanceof BlobNotFoundError) throw new DomainError(ErrorCode.NotFound, 'No such blob.');
      throw error;
    }
  }
}
