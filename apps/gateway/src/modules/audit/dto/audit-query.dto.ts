import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { PageQueryDto } from './page-query.dto.js';

export const AUDIT_ACTOR_TYPES = ['admin', 'api_key', 'identity', 'system'] as const;
export type AuditActorType = (typeof AUDIT_ACTOR_TYPES)[number];

/** Filters of the audit log; each narrows the list, and the cursor pages within the same filters. */
export class AuditQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: AUDIT_ACTOR_TYPES, description: 'Only entries by this kind of actor.' })
  @IsOptional()
  @IsIn(AUDIT_ACTOR_TYPES)
  actorType?: AuditActorType;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only entries by this admin, API key or identity.' })
  @IsOptional()
  @IsUUID()
  actorId?: string;

  @ApiPropertyOptional({
    example: 'api_key.created',
    description: 'Only this action; a trailing `.*` matches every action of a resource, e.g. `admin.*`.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  @Matches(/^[a-z_]+(\.[a-z_]+)*(\.\*)?$/, {
    message: 'action must be a dotted action such as api_key.created, or a prefix such as admin.*',
  })
  action?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Only entries at or after this instant.' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Only entries before this instant.' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}
