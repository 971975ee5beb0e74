import { ApiProperty } from '@nestjs/swagger';
import { ATTACHMENT_STORES } from '../settings.defaults.js';

/** A setting in force: the tenant's own value where it set one (`custom`), the operator's default otherwise. */
export class IntegerSettingResponse {
  @ApiProperty({ example: 10485760 })
  value!: number;

  @ApiProperty({ example: 10485760 })
  default!: number;

  @ApiProperty({ example: false })
  custom!: boolean;
}

export class BoundedIntegerSettingResponse extends IntegerSettingResponse {
  @ApiProperty({ description: 'The most the tenant may set (the operator limit).', example: 26214400 })
  max!: number;
}

export class StoreSettingResponse {
  @ApiProperty({ enum: ATTACHMENT_STORES, example: 'filesystem' })
  value!: string;

  @ApiProperty({ enum: ATTACHMENT_STORES, example: 'filesystem' })
  default!: string;

  @ApiProperty({ example: false })
  custom!: boolean;

  @ApiProperty({
    enum: ATTACHMENT_STORES,
    isArray: true,
    description: 'Stores this gateway has configured.',
    example: ['filesystem'],
  })
  available!: string[];
}

export class AttachmentSettingsResponse {
  @ApiProperty({ type: StoreSettingResponse })
  store!: StoreSettingResponse;

  @ApiProperty({ type: BoundedIntegerSettingResponse, description: 'Largest file, in bytes.' })
  maxBytes!: BoundedIntegerSettingResponse;

  @ApiProperty({ type: IntegerSettingResponse, description: 'Most files in one message.' })
  maxFiles!: IntegerSettingResponse;
}

export class RateLimitSettingsResponse {
  @ApiProperty({ type: BoundedIntegerSettingResponse })
  perCredentialPerMinute!: BoundedIntegerSettingResponse;

  @ApiProperty({ type: BoundedIntegerSettingResponse })
  perTenantPerMinute!: BoundedIntegerSettingResponse;
}

export class SettingsResponse {
  @ApiProperty({ type: AttachmentSettingsResponse })
  attachments!: AttachmentSettingsResponse;

  @ApiProperty({ type: RateLimitSettingsResponse })
  rateLimits!: RateLimitSettingsResponse;

  @ApiProperty({
    type: String,
    nullable: true,
    format: 'date-time',
    description: 'Last change by the tenant; null if never.',
  })
  updatedAt!: string | null;
}
