import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

/** `?limit=&cursor=` of every list route: at most 100 items a page, an opaque cursor from the previous page. */
export class PageQuery {
  @ApiPropertyOptional({ maximum: 100, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque cursor from a previous page (same filters and direction).' })
  @IsOptional()
  @IsString()
  @MaxLength(20_000)
  cursor?: string;
}
