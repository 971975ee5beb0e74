import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsArray, IsDate, IsIn, IsOptional, IsString } from 'class-validator';
import { PageQuery } from '../../../common/pagination/page-query.dto.js';

const PEER = 'An Ethereum address (0x + 40 hex) or an XMTP inbox id (64 hex).';
const splitList = ({ value }: { value: unknown }) =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : value;

export class ListConversationsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ['dm', 'group'] })
  @IsOptional()
  @IsIn(['dm', 'group'])
  type?: 'dm' | 'group';

  @ApiPropertyOptional({
    description: 'Comma-separated consent states. Default `allowed,unknown`; `unknown` alone is the requests view.',
    example: 'allowed,unknown',
  })
  @IsOptional()
  @Transform(splitList)
  @IsArray()
  @IsIn(['allowed', 'unknown', 'denied'], { each: true })
  consent?: Array<'allowed' | 'unknown' | 'denied'>;

  @ApiPropertyOptional({ description: 'ISO 8601; conversations created after this instant.' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  createdAfter?: Date;

  @ApiPropertyOptional({ description: 'ISO 8601; conversations created before this instant.' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  createdBefore?: Date;
}

export class CreateDmDto {
  @ApiProperty({ description: PEER })
  @IsString()
  peer!: string;
}

export class GroupMetadataDto {
  @ApiPropertyOptional({ maxLength: 100 })
  @IsOptional()
  @IsString()
  name?: string;

  @ApiPropertyOptional({ maxLength: 1000 })
  @IsOptional()
  @IsString()
  description?: string;

  @ApiPropertyOptional({ maxLength: 2048, description: 'http(s) URL of a square image.' })
  @IsOptional()
  @IsString()
  imageUrl?: string;
}

export class CreateGroupDto extends GroupMetadataDto {
  @ApiProperty({
    type: [String],
    description: `${PEER} At most 250 members in the group, the identity included.`,
    maxItems: 250,
  })
  @IsArray()
  @IsString({ each: true })
  members!: string[];

  @ApiPropertyOptional({ enum: ['default', 'admin_only'], default: 'default' })
  @IsOptional()
  @IsIn(['default', 'admin_only'])
  permissions?: 'default' | 'admin_only';
}

export class MembersDto {
  @ApiProperty({ type: [String], description: PEER, minItems: 1, maxItems: 250 })
  @IsArray()
  @IsString({ each: true })
  members!: string[];
}

export class CanMessageDto {
  @ApiProperty({ type: [String], description: 'Ethereum addresses (0x + 40 hex).', minItems: 1, maxItems: 100 })
  @IsArray()
  @IsString({ each: true })
  identifiers!: string[];
}
