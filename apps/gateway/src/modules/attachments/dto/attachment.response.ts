import { ApiProperty } from '@nestjs/swagger';
import { MessageResponse } from '../../messages/dto/message.response.js';

export class SentAttachmentResponse {
  @ApiProperty({ example: 'receipt.pdf' })
  filename!: string;

  @ApiProperty({ example: 'application/pdf' })
  contentType!: string;

  @ApiProperty({ description: 'Bytes of the file.', example: 48213 })
  size!: number;

  @ApiProperty({ description: 'Where the ciphertext is stored.', example: 'https://mailroom.example.com/blobs/3f2a9c' })
  url!: string;

  @ApiProperty({ description: 'SHA-256 of the ciphertext, hex.', example: 'c0ffee'.padEnd(64, '0') })
  digest!: string;
}

/** The message announcing the files, and the files. */
export class SentAttachmentsResponse {
  @ApiProperty({ type: MessageResponse })
  message!: MessageResponse;

  @ApiProperty({ type: [SentAttachmentResponse] })
  attachments!: SentAttachmentResponse[];
}

export class AttachmentUploadResponse extends SentAttachmentResponse {
  @ApiProperty({
    format: 'uuid',
    description: 'Pass to the GraphQL mutation sendAttachment(uploadIds).',
    example: '7c6b5a49-3827-4165-9483-a2b1c0d9e8f7',
  })
  id!: string;

  @ApiProperty({
    format: 'date-time',
    description: 'Unsent uploads are deleted after this.',
    example: '2026-01-06T09:30:00.000Z',
  })
  expiresAt!: string;
}

export class AttachmentUploadsResponse {
  @ApiProperty({ type: [AttachmentUploadResponse] })
  uploads!: AttachmentUploadResponse[];
}
