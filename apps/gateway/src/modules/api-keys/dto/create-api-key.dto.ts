import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayNotEmpty, ArrayUnique, IsArray, IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import type { ApiKeyScope } from '@mailroom/persistence';
import { API_KEY_SCOPES } from '../../../common/auth/index.js';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'production backend', maxLength: 100 })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;

  @ApiPropertyOptional({ enum: API_KEY_SCOPES, isArray: true, description: 'Defaults to every scope.' })
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayUnique()
  @IsIn(API_KEY_SCOPES, { each: true })
  scopes?: ApiKeyScope[];
}
