import { ApiProperty } from '@nestjs/swagger';

export class AuditActorResponse {
  @ApiProperty({ description: 'admin, api_key, identity or system.', example: 'admin' })
  type!: string;

  @ApiProperty({ type: String, nullable: true, example: '2d3e4f50-6172-4839-a4b5-c6d7e8f90a1b' })
  id!: string | null;
}

export class AuditItemResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ type: AuditActorResponse })
  actor!: AuditActorResponse;

  @ApiProperty({ example: 'api_key.created' })
  action!: string;

  @ApiProperty({ type: String, nullable: true, example: 'api_key' })
  targetType!: string | null;

  @ApiProperty({ type: String, nullable: true })
  targetId!: string | null;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'Action-specific details (never secrets).',
  })
  metadata!: unknown;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

export class AuditPageResponse {
  @ApiProperty({ type: [AuditItemResponse] })
  items!: AuditItemResponse[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page; null on the last.' })
  nextCursor!: string | null;
}
