import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  MaxLength,
} from 'class-validator';
import { MAILROOM_EVENT_TYPES, type MailroomEventType } from '../../events/mailroom-event.js';
import { PageQueryDto } from '../../audit/dto/page-query.dto.js';

export const WEBHOOK_URL_MAX_LENGTH = 2048;

export class CreateWebhookDto {
  @ApiProperty({
    example: 'https://api.example.com/mailroom/webhooks',
    maxLength: WEBHOOK_URL_MAX_LENGTH,
    description: 'http(s); must resolve to public addresses unless OUTBOUND_ALLOWLIST allows it',
  })
  @IsString()
  @MaxLength(WEBHOOK_URL_MAX_LENGTH)
  url!: string;

  @ApiProperty({ enum: MAILROOM_EVENT_TYPES, isArray: true, example: ['message.received'] })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayUnique()
  @ArrayMaxSize(MAILROOM_EVENT_TYPES.length)
  @IsIn(MAILROOM_EVENT_TYPES, { each: true })
  events!: MailroomEventType[];
}

export class UpdateWebhookDto {
  @ApiPropertyOptional({ maxLength: WEBHOOK_URL_MAX_LENGTH })
  @IsOptional()
  @IsString()
  @MaxLength(WEBHOOK_URL_MAX_LENGTH)
  url?: string;

  @ApiPropertyOptional({ enum: MAILROOM_EVENT_TYPES, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayUnique()
  @ArrayMaxSize(MAILROOM_EVENT_TYPES.length)
  @IsIn(MAILROOM_EVENT_TYPES, { each: true })
  events?: MailroomEventType[];

  @ApiPropertyOptional({
    description: 'false pauses deliveries (they wait); true resumes them and resets the failure run',
  })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export const DELIVERY_STATUSES = ['pending', 'sending', 'succeeded', 'failed'] as const;

export class DeliveryQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: DELIVERY_STATUSES })
  @IsOptional()
  @IsIn(DELIVERY_STATUSES)
  status?: (typeof DELIVERY_STATUSES)[number];
}

export class WebhookResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() url!: string;
  @ApiProperty({ enum: MAILROOM_EVENT_TYPES, isArray: true }) events!: string[];
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ nullable: true, type: String, description: '`consecutive_failures` or `manual`' }) disabledReason!:
    string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) disabledAt!: string | null;
  @ApiProperty({ description: 'Failed attempts since the last success' }) consecutiveFailures!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class CreatedWebhookResponse extends WebhookResponse {
  @ApiProperty({ description: 'Signing secret. Shown in this answer only; stored sealed.' }) secret!: string;
}

export class RotatedSecretResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'The new signing secret (`whsec_` + base64 of 32 bytes), shown once.' }) secret!: string;
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description:
      'Until then the previous secret keeps signing too (both signatures in every request); null when WEBHOOK_SECRET_OVERLAP_SECONDS is 0.',
  })
  previousSecretExpiresAt!: string | null;
}

export class WebhookPageResponse {
  @ApiProperty({ type: [WebhookResponse] }) items!: WebhookResponse[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class DeliveryAttemptResponse {
  @ApiProperty() number!: number;
  @ApiProperty({ enum: ['in_flight', 'succeeded', 'failed', 'interrupted'] }) outcome!: string;
  @ApiProperty({ format: 'date-time' }) startedAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) finishedAt!: string | null;
  @ApiProperty({ nullable: true, type: Number }) statusCode!: number | null;
  @ApiProperty({ nullable: true, type: String }) error!: string | null;
  @ApiProperty({ nullable: true, type: Number }) durationMs!: number | null;
  @ApiProperty({
    nullable: true,
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'Headers this attempt sent (signatures included, never secrets); null when no request left',
    example: {
      'webhook-id': 'evt_1',
      'webhook-timestamp': '1767225600',
      'webhook-signature': 'v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=',
    },
  })
  requestHeaders!: Record<string, string> | null;
  @ApiProperty({ nullable: true, type: String, description: 'The first 1 KiB of the answer body, as UTF-8 text' })
  responseBody!: string | null;
}

export class DeliveryResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() eventId!: string;
  @ApiProperty() eventType!: string;
  @ApiProperty({ enum: DELIVERY_STATUSES }) status!: string;
  @ApiProperty() attempts!: number;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) nextAttemptAt!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) lastAttemptAt!: string | null;
  @ApiProperty({ nullable: true, type: Number }) lastStatusCode!: number | null;
  @ApiProperty({ nullable: true, type: String }) lastError!: string | null;
  @ApiProperty({ nullable: true, type: Number }) lastDurationMs!: number | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) succeededAt!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'The JSON body exactly as sent; null once the retention sweep purged it after success',
  })
  body!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) bodyPurgedAt!: string | null;
  @ApiProperty({ type: [DeliveryAttemptResponse], description: 'Every attempt, oldest first' })
  attemptLog!: DeliveryAttemptResponse[];
}

export class DeliveryPageResponse {
  @ApiProperty({ type: [DeliveryResponse] }) items!: DeliveryResponse[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}
