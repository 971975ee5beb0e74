import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

const IDENTITY_ID = '5f0c2d9e-8a1b-4c3d-9e8f-7a6b5c4d3e2f';

export class PushEndpointResponse {
  @ApiProperty({ format: 'uuid', example: IDENTITY_ID })
  identityId!: string;

  @ApiProperty({ example: 'https://push.example.com/mailroom' })
  url!: string;

  @ApiProperty({ example: false })
  includeContent!: boolean;

  @ApiProperty({ example: true })
  enabled!: boolean;

  @ApiProperty({ type: String, nullable: true, example: null })
  disabledReason!: string | null;

  @ApiProperty({ format: 'date-time', example: '2026-01-05T09:00:00.000Z' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time', example: '2026-01-05T09:00:00.000Z' })
  updatedAt!: string;
}

export class PutPushEndpointResponse extends PushEndpointResponse {
  @ApiPropertyOptional({ description: 'Signing secret, only when the endpoint is new.', example: 'whsec_…' })
  secret?: string;
}

export class PushDeliveryResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: '3f1c0d6e9b2a4c58a1e7d0b94c2f6a13e5d7b8c9a0f1e2d3c4b5a69788796a5b' })
  messageId!: string;

  @ApiProperty({ example: 'succeeded' })
  status!: string;

  @ApiProperty({ example: 1 })
  attempts!: number;

  @ApiProperty({ type: Number, nullable: true, example: 200 })
  lastStatusCode!: number | null;

  @ApiProperty({ type: String, nullable: true, example: null })
  lastError!: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ type: String, nullable: true, format: 'date-time' })
  succeededAt!: string | null;
}

export class PushDeliveryListResponse {
  @ApiProperty({ type: [PushDeliveryResponse] })
  items!: PushDeliveryResponse[];
}

export class HmacKeyResponse {
  @ApiProperty({ example: '1' })
  epoch!: string;

  @ApiProperty({ description: 'Base64.' })
  key!: string;
}

export class ConversationTopicResponse {
  @ApiProperty({ example: '9a0e5c1f2b3d4e5f60718293a4b5c6d7' })
  conversationId!: string;

  @ApiProperty({ example: '/xmtp/mls/1/g-9a0e5c1f2b3d4e5f60718293a4b5c6d7/proto' })
  topic!: string;

  @ApiProperty({ type: [HmacKeyResponse] })
  hmacKeys!: HmacKeyResponse[];
}

export class PushTopicsResponse {
  @ApiProperty({ format: 'uuid', example: IDENTITY_ID })
  identityId!: string;

  @ApiProperty()
  installationId!: string;

  @ApiProperty({ description: 'Where welcomes (new conversations) for this installation arrive.' })
  welcomeTopic!: string;

  @ApiProperty({ type: [ConversationTopicResponse] })
  conversations!: ConversationTopicResponse[];
}
