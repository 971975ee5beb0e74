import { Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import fastifyMultipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import { OutboundPolicy } from '../../common/outbound/index.js';
import { GATEWAY_RUNTIME, type GatewayRuntime } from '../../runtime.js';
import { ConversationsModule } from '../conversations/conversations.module.js';
import { IdentitiesModule } from '../identities/identities.module.js';
import { AttachmentLimits } from './attachment-limits.js';
import { AttachmentRepository, PrismaAttachmentRepository } from './attachment.repository.js';
import { AttachmentStorage } from './attachment-storage.js';
import { AttachmentUploadSweeper } from './attachment-upload-sweeper.js';
import { AttachmentUploadsController } from './attachment-uploads.controller.js';
import { AttachmentUploadsService } from './attachment-uploads.service.js';
import { AttachmentsController } from './attachments.controller.js';
import { AttachmentsService } from './attachments.service.js';
import { BlobStoresHolder } from './blob-stores.provider.js';
import { BlobsController } from './blobs.controller.js';
import { RemoteAttachmentFetcher } from './remote-attachment-fetcher.js';

@Module({
  imports: [ConversationsModule, IdentitiesModule],
  controllers: [AttachmentsController, AttachmentUploadsController, BlobsController],
  providers: [
    BlobStoresHolder,
    AttachmentLimits,
    AttachmentStorage,
    AttachmentsService,
    AttachmentUploadsService,
    AttachmentUploadSweeper,
    { provide: AttachmentRepository, useClass: PrismaAttachmentRepository },
    RemoteAttachmentFetcher,
    {
      provide: OutboundPolicy,
      useFactory: (runtime: GatewayRuntime) => new OutboundPolicy(runtime.config.outboundAllowlist),
      inject: [GATEWAY_RUNTIME],
    },
  ],
  exports: [AttachmentsService, AttachmentUploadsService, BlobStoresHolder],
})
export class AttachmentsModule implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  /** Multipart parsing for the upload route (streamed: parts are read as they arrive, limits are set per request). */
  async onModuleInit(): Promise<void> {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    if (!fastify.hasContentTypeParser('multipart/form-data')) await fastify.register(fastifyMultipart);
  }
}
