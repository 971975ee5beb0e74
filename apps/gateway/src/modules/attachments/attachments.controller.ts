import { Controller, Get, HttpCode, Param, Post, Query, Req, Res, StreamableFile } from '@nestjs/common';
import {
  ApiBadGatewayResponse,
  ApiBody,
  ApiConflictResponse,
  ApiConsumes,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiQuery,
  ApiTags,
  ApiUnprocessableEntityResponse,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { TenantScope } from '@mailroom/persistence';
import { Authenticated, CurrentTenant } from '../../common/auth/index.js';
import { DomainError, ErrorCode } from '../../common/errors/index.js';
import { AttachmentsService } from './attachments.service.js';
import { contentDisposition } from './filename.js';
import { multipartFiles } from './multipart-files.js';
import { SentAttachmentsResponse } from './dto/attachment.response.js';

@ApiTags('attachments')
@Controller('v1/identities/:id')
@Authenticated({ scope: 'messages', identityParam: 'id' })
export class AttachmentsController {
  constructor(private readonly attachments: AttachmentsService) {}

  @Post('conversations/:cid/attachments')
  @HttpCode(201)
  @ApiOperation({
    summary:
      'Encrypt one or more files (multipart parts named "file"), store the ciphertext in the tenant\'s blob store and send it as a remote attachment (one file) or a multi remote attachment (several). 413 over the size limit, 415 for a refused MIME type; nothing is stored or sent then.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: { type: 'object', properties: { file: { type: 'array', items: { type: 'string', format: 'binary' } } } },
  })
  @ApiCreatedResponse({ type: SentAttachmentsResponse })
  @ApiPayloadTooLargeResponse({ description: 'PAYLOAD_TOO_LARGE: a file is over the size limit, or too many files' })
  @ApiUnsupportedMediaTypeResponse({ description: 'UNSUPPORTED_MEDIA_TYPE: a file type the tenant refuses' })
  @ApiConflictResponse({ description: 'CONFLICT: the identity is not active or left the group' })
  async send(
    @CurrentTenant() scope: TenantScope,
    @Param('id') id: string,
    @Param('cid') cid: string,
    @Req() request: FastifyRequest,
  ) {
    return this.attachments.send(scope, id, cid, (limits) => multipartFiles(request, limits));
  }

  @Get('messages/:mid/attachment')
  @ApiOperation({
    summary:
      'Download a received remote attachment: fetched from its URL (public addresses only unless allowlisted), checked against its digest, decrypted and streamed. 422 when it fails verification, 502 when the URL does not answer.',
  })
  @ApiQuery({ name: 'index', required: false, description: 'Which file of a multi remote attachment (default 0)' })
  @ApiOkResponse({
    description: 'The decrypted file, with its type and a Content-Disposition filename.',
    content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
  })
  @ApiUnprocessableEntityResponse({
    description: 'UNPROCESSABLE: the file fails its digest or decryption, or the message is no attachment',
  })
  @ApiBadGatewayResponse({ description: 'BAD_GATEWAY: the attachment URL does not answer' })
  async download(
    @CurrentTenant() scope: TenantScope,
    @Param('id') id: string,
    @Param('mid') mid: string,
    @Query('index') index: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StreamableFile> {
    const position = index === undefined || index === '' ? 0 : Number(index);
    if (!Number.isInteger(position) || position < 0 || position > 1000) {
      throw new DomainError(ErrorCode.ValidationFailed, 'index must be a non-negative integer.', {
        errors: [{ field: 'index', message: 'must be a non-negative integer' }],
      });
    }
    const file = await this.attachments.download(scope, id, mid, position);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('cache-control', 'private, no-store');
    return new StreamableFile(file.stream, {
      type: file.contentType,
      disposition: contentDisposition(file.filename),
      length: file.size,
    });
  }
}
