import { ApiExtraModels, ApiProperty, getSchemaPath } from '@nestjs/swagger';
import { MarkdownMessageContent, TextMessageContent } from '../../messages/dto/message-content.schemas.js';
import { RECIPIENT_FILTERS } from '../broadcasts.service.js';

@ApiExtraModels(TextMessageContent, MarkdownMessageContent)
export class BroadcastResponse {
  @ApiProperty({ format: 'uuid', example: '0c9d8e7f-6a5b-4c3d-2e1f-0a9b8c7d6e5f' })
  id!: string;

  @ApiProperty({ format: 'uuid', example: '5f0c2d9e-8a1b-4c3d-9e8f-7a6b5c4d3e2f' })
  identityId!: string;

  @ApiProperty({ enum: ['running', 'completed'], example: 'running' })
  status!: string;

  @ApiProperty({
    description: 'The message sent to every recipient, as it was given.',
    oneOf: [{ $ref: getSchemaPath(TextMessageContent) }, { $ref: getSchemaPath(MarkdownMessageContent) }],
    discriminator: {
      propertyName: 'type',
      mapping: { text: getSchemaPath(TextMessageContent), markdown: getSchemaPath(MarkdownMessageContent) },
    },
    example: { type: 'text', text: 'Our store opens at 9 tomorrow.' },
  })
  content!: TextMessageContent | MarkdownMessageContent;

  @ApiProperty({ example: 3 })
  total!: number;

  @ApiProperty({ example: 1 })
  queued!: number;

  @ApiProperty({ example: 1 })
  sent!: number;

  @ApiProperty({ example: 1 })
  skipped!: number;

  @ApiProperty({ example: 0 })
  failed!: number;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    description: 'Skipped recipients by reason: not_on_xmtp, denied, duplicate, self.',
    example: { not_on_xmtp: 1 },
  })
  skippedBy!: Record<string, number>;

  @ApiProperty({ format: 'date-time', example: '2026-01-05T09:00:00.000Z' })
  createdAt!: string;

  @ApiProperty({ type: String, nullable: true, format: 'date-time', example: null })
  completedAt!: string | null;
}

export class BroadcastListResponse {
  @ApiProperty({ type: [BroadcastResponse] })
  items!: BroadcastResponse[];

  @ApiProperty({ type: String, nullable: true, description: 'Cursor of the next page; null on the last one.' })
  nextCursor!: string | null;
}

export class BroadcastRecipientResponse {
  @ApiProperty({ description: 'Place in the recipient list as given, from 0.', example: 0 })
  position!: number;

  @ApiProperty({
    description: 'As given: a lowercase address or an inbox id.',
    example: '0x4b2f0a8e6c1d3f5a7b9c0e2d4f6a8b0c1d3e5f7a',
  })
  recipient!: string;

  @ApiProperty({ type: String, nullable: true, description: 'Resolved inbox id, once known.', example: null })
  inboxId!: string | null;

  @ApiProperty({ enum: RECIPIENT_FILTERS, example: 'failed' })
  status!: string;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Skipped: not_on_xmtp, denied, duplicate or self. Failed: the error.',
    example: 'not_on_xmtp',
  })
  reason!: string | null;

  @ApiProperty({ format: 'date-time', example: '2026-01-05T09:00:03.000Z' })
  updatedAt!: string;
}

export class BroadcastRecipientListResponse {
  @ApiProperty({ type: [BroadcastRecipientResponse] })
  items!: BroadcastRecipientResponse[];

  @ApiProperty({ type: String, nullable: true, description: 'Cursor of the next page; null on the last one.' })
  nextCursor!: string | null;
}
