import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class LivenessResponse {
  @ApiProperty({ enum: ['ok'], example: 'ok' })
  status!: 'ok';
}

export class ReadinessCheckResponse {
  @ApiProperty({ enum: ['up', 'down'], example: 'up' })
  status!: string;

  @ApiPropertyOptional({ description: 'What kind of failure (never hosts, users or paths).' })
  error?: string;

  @ApiProperty({ example: 3 })
  durationMs!: number;

  @ApiPropertyOptional({
    description: 'false: a dependency the gateway can partly serve without (down: listed in `degraded`).',
    example: false,
  })
  gating?: boolean;
}

export class ReadinessResponse {
  @ApiProperty({ enum: ['ready', 'not_ready'], example: 'ready' })
  status!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/ReadinessCheckResponse' },
    example: { database: { status: 'up', durationMs: 2 }, xmtp: { status: 'up', durationMs: 14, gating: false } },
  })
  checks!: Record<string, ReadinessCheckResponse>;

  @ApiProperty({ type: [String], description: 'Non-gating checks that are down.', example: [] })
  degraded!: string[];

  @ApiProperty({ description: 'The `@xmtp/node-sdk` version this process runs (`XMTP_SDK`).', example: '6.0.0' })
  xmtpSdk!: string;
}
