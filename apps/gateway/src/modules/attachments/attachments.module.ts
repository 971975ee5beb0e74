import { Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import fastifyMultipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import { OutboundPolicy } from '../../common/outbound/index.js';
import { GATEWAY_RUNTIME, type GatewayRuntime } from '../../runtime.js';
import { ConversationsModule } from '../conversations/conversations.module.js';
import { AttachmentLimits } from './attachment-limits.js';
import { AttachmentsController } from './attachments.controller.js';
import { AttachmentsService } from './attachments.service.js';
import { BlobStoresHolder } from './blob-stores.provider.js';
import { BlobsController } from './blobs.controller.js';
import { RemoteAttachmentFetcher } from './remote-attachment-fetcher.js';

@Module({
  imports: [ConversationsModule],
  controllers: [AttachmentsController, BlobsController],
  providers: [
    BlobStoresHolder,
    AttachmentLimits,
    AttachmentsService,
    RemoteAttachmentFetcher,
    { provide: OutboundPolicy, useFactory: (runtime: GatewayRuntime) => new OutboundPolicy(runtime.config.outboundAllowlist), inject: [GATEWAY_RUNTIME] },
  ],
  exports: [AttachmentsService, BlobStoresHolder],
})
export class AttachmentsModule implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  /** Multipart parsing for the upload route (streamed: parts are read as they arrive, limits are set per request). */
  async onModuleInit(): Promise<void> {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    if (!fastify.hasContentTypeParser('multipart/form-data')) await fastify.register(fastifyMultipart);
  }
}
