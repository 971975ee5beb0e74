import { ApiProperty } from '@nestjs/swagger';

export class BroadcastResponse {
  @ApiProperty({ format: 'uuid', example: '0c9d8e7f-6a5b-4c3d-2e1f-0a9b8c7d6e5f' })
  id!: string;

  @ApiProperty({ format: 'uuid', example: '5f0c2d9e-8a1b-4c3d-9e8f-7a6b5c4d3e2f' })
  identityId!: string;

  @ApiProperty({ enum: ['running', 'completed'], example: 'running' })
  status!: string;

  @ApiProperty({ example: 3 })
  total!: number;

  @ApiProperty({ example: 1 })
  queued!: number;

  @ApiProperty({ example: 1 })
  sent!: number;

  @ApiProperty({ example: 1 })
  skipped!: number;

  @ApiProperty({ example: 0 })
  failed!: number;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    description: 'Skipped recipients by reason: not_on_xmtp, denied, duplicate, self.',
    example: { not_on_xmtp: 1 },
  })
  skippedBy!: Record<string, number>;

  @ApiProperty({ format: 'date-time', example: '2026-01-05T09:00:00.000Z' })
  createdAt!: string;

  @ApiProperty({ type: String, nullable: true, format: 'date-time', example: null })
  completedAt!: string | null;
}
