import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min, ValidateIf, ValidateNested } from 'class-validator';
import { ATTACHMENT_STORES, SETTINGS_BOUNDS, type AttachmentStore } from '../settings.defaults.js';

const { attachmentMaxBytes, attachmentMaxFiles } = SETTINGS_BOUNDS;

/** `null` resets a field to the operator's default. */
export class AttachmentSettingsDto {
  @ApiPropertyOptional({ enum: ATTACHMENT_STORES, nullable: true })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsIn(ATTACHMENT_STORES)
  store?: AttachmentStore | null;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: attachmentMaxBytes.min,
    maximum: attachmentMaxBytes.max,
    nullable: true,
    description: 'Largest file, in bytes',
  })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsInt()
  @Min(attachmentMaxBytes.min)
  @Max(attachmentMaxBytes.max)
  maxBytes?: number | null;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: attachmentMaxFiles.min,
    maximum: attachmentMaxFiles.max,
    nullable: true,
    description: 'Most files in one message',
  })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsInt()
  @Min(attachmentMaxFiles.min)
  @Max(attachmentMaxFiles.max)
  maxFiles?: number | null;
}

export class RateLimitSettingsDto {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    nullable: true,
    description: 'Requests per minute of one credential; at most the operator limit',
  })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsInt()
  @Min(1)
  perCredentialPerMinute?: number | null;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    nullable: true,
    description: 'Requests per minute of the whole tenant; at most the operator limit',
  })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsInt()
  @Min(1)
  perTenantPerMinute?: number | null;
}

export class UpdateSettingsDto {
  @ApiPropertyOptional({ type: AttachmentSettingsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => AttachmentSettingsDto)
  attachments?: AttachmentSettingsDto;

  @ApiPropertyOptional({ type: RateLimitSettingsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => RateLimitSettingsDto)
  rateLimits?: RateLimitSettingsDto;
}
