import { ApiProperty } from '@nestjs/swagger';

export class ContentTypeResponse {
  @ApiProperty({ example: 'xmtp.org' })
  authorityId!: string;

  @ApiProperty({ example: 'text' })
  typeId!: string;

  @ApiProperty({ example: 1 })
  versionMajor!: number;

  @ApiProperty({ example: 0 })
  versionMinor!: number;
}

/** A message as the transports show it (MessageView): plain JSON, no bigint, bytes as base64. */
export class MessageResponse {
  @ApiProperty({ example: '3f1c0d6e9b2a4c58a1e7d0b94c2f6a13e5d7b8c9a0f1e2d3c4b5a69788796a5b' })
  id!: string;

  @ApiProperty({ example: '9a0e5c1f2b3d4e5f60718293a4b5c6d7' })
  conversationId!: string;

  @ApiProperty({ example: 'a1c3e5f7092b4d6f8a1c3e5f7092b4d6f8a1c3e5f7092b4d6f8a1c3e5f7092b4d' })
  senderInboxId!: string;

  @ApiProperty({ format: 'date-time', example: '2026-01-05T09:30:00.000Z' })
  sentAt!: string;

  @ApiProperty({ description: 'Nanoseconds since the epoch, as a decimal string.', example: '1767605400000000000' })
  sentAtNs!: string;

  @ApiProperty({
    enum: ['application', 'membership_change'],
    description: '`membership_change` for group updates.',
    example: 'application',
  })
  kind!: string;

  @ApiProperty({ type: ContentTypeResponse })
  contentType!: ContentTypeResponse;

  @ApiProperty({
    oneOf: [{ type: 'string' }, { type: 'object', additionalProperties: true }, { type: 'null' }],
    description:
      'Decoded content of a known type (a string for text and markdown, an object for the others); null for an unknown type.',
    example: 'Hello from Mailroom',
  })
  content!: unknown;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The text of text, markdown and text reply messages.',
    example: 'Hello from Mailroom',
  })
  text!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Fallback text a content type supplies for clients that do not know it.',
    example: null,
  })
  fallback!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Base64 of the encoded content when the type is unknown to Mailroom.',
    example: null,
  })
  encodedContent!: string | null;

  @ApiProperty({ enum: ['unpublished', 'published', 'failed'], example: 'published' })
  deliveryStatus!: string;
}

export class MessagePageResponse {
  @ApiProperty({ type: [MessageResponse] })
  items!: MessageResponse[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page; null on the last.' })
  nextCursor!: string | null;
}
