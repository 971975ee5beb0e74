import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { PageQuery } from '../../../common/pagination/page-query.dto.js';

export class CreateIdentityDto {
  @ApiPropertyOptional({ description: 'Free text shown in lists and the dashboard.', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  label?: string;

  @ApiPropertyOptional({ description: 'Your own id for this identity; unique per tenant.', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  externalId?: string;
}

export class ImportIdentityDto extends CreateIdentityDto {
  @ApiProperty({ description: 'The existing wallet key (0x + 64 hex). Mailroom adds one installation to its inbox.' })
  @IsString()
  @Matches(/^0x[0-9a-fA-F]{64}$/, { message: 'privateKey must be 0x followed by 64 hex characters' })
  privateKey!: string;
}

export class ListIdentitiesQuery extends PageQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  externalId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  label?: string;
}

export class MintIdentityTokenDto {
  @ApiPropertyOptional({ description: 'Lifetime in seconds (60–3600).', default: 3600, minimum: 60, maximum: 3600 })
  @IsOptional()
  @IsInt()
  @Min(60)
  @Max(3600)
  ttlSeconds?: number;
}
