import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsArray, IsIn, IsObject, IsOptional, IsString, ValidateNested } from 'class-validator';
import { PageQuery } from '../../../common/pagination/page-query.dto.js';
import { messageContentSchema } from './message-content.schemas.js';

const splitList = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter(Boolean) : value);

export class ListMessagesQuery extends PageQuery {


  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'desc' })
  @IsOptional()
  @IsIn(['asc', 'desc'])
  direction?: 'asc' | 'desc';

  @ApiPropertyOptional({ description: 'Comma-separated: text, markdown, reply, reaction, readReceipt, groupUpdated, attachment, remoteAttachment, custom, …' })
  @IsOptional()
  @Transform(splitList)
  @IsArray()
  @IsString({ each: true })
  contentTypes?: string[];
}

/** One shape for every sendable type; which fields are required depends on `type` (checked by the service). */
export class MessageContentDto {
  @ApiProperty({ enum: ['text', 'markdown', 'reply', 'reaction', 'readReceipt'] })
  @IsString()
  type!: string;

  @ApiPropertyOptional({ description: 'text and reply: the text (1 byte to 256 KiB of UTF-8).' })
  @IsOptional()
  @IsString()
  text?: string;

  @ApiPropertyOptional({ description: 'markdown: the markdown source (≤ 256 KiB).' })
  @IsOptional()
  @IsString()
  markdown?: string;

  @ApiPropertyOptional({ description: 'reply and reaction: id of the message replied or reacted to.' })
  @IsOptional()
  @IsString()
  reference?: string;

  @ApiPropertyOptional({ description: "reply and reaction: the referenced message's sender (looked up when omitted)." })
  @IsOptional()
  @IsString()
  referenceInboxId?: string;

  @ApiPropertyOptional({ enum: ['added', 'removed'], description: 'reaction' })
  @IsOptional()
  @IsString()
  action?: string;

  @ApiPropertyOptional({ enum: ['unicode', 'shortcode', 'custom'], description: 'reaction' })
  @IsOptional()
  @IsString()
  schema?: string;

  @ApiPropertyOptional({ description: 'reaction: the emoji, shortcode or custom value.' })
  @IsOptional()
  @IsString()
  content?: string;
}

export class SendMessageDto {
  @ApiProperty({ ...messageContentSchema(), description: 'What to send; `type` picks the shape.' })
  @IsObject()
  @ValidateNested()
  @Type(() => MessageContentDto)
  content!: MessageContentDto;
}
