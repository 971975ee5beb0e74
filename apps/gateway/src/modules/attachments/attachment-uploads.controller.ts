import { Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiTags,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { TenantScope } from '@mailroom/persistence';
import { Authenticated, CurrentTenant } from '../../common/auth/index.js';
import { AttachmentUploadsService } from './attachment-uploads.service.js';
import { multipartFiles } from './multipart-files.js';
import { AttachmentUploadsResponse } from './dto/attachment.response.js';

@ApiTags('attachments')
@Controller('v1/identities/:id/attachments')
@Authenticated({ scope: 'messages', identityParam: 'id' })
export class AttachmentUploadsController {
  constructor(private readonly uploads: AttachmentUploadsService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary:
      'Upload files without sending them (multipart parts named "file"): each is encrypted and stored like a sent attachment, and answered with an upload id. Send them later with the GraphQL mutation sendAttachment(uploadIds); unsent uploads expire (ATTACHMENT_UPLOAD_TTL_SECONDS). Same limits, 413 and 415 as sending.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: { type: 'object', properties: { file: { type: 'array', items: { type: 'string', format: 'binary' } } } },
  })
  @ApiCreatedResponse({ type: AttachmentUploadsResponse })
  @ApiPayloadTooLargeResponse({ description: 'PAYLOAD_TOO_LARGE: a file is over the size limit, or too many files' })
  @ApiUnsupportedMediaTypeResponse({ description: 'UNSUPPORTED_MEDIA_TYPE: a file type the tenant refuses' })
  async upload(@CurrentTenant() scope: TenantScope, @Param('id') id: string, @Req() request: FastifyRequest) {
    return { uploads: await this.uploads.upload(scope, id, (limits) => multipartFiles(request, limits)) };
  }
}
