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

export class XmtpNetworkResponse {
  @ApiProperty({
    description:
      'The XMTP network (`XMTP_ENV`): `local`, `dev`, `production`, or with SDK 6 the decentralized `testnet-staging`, `testnet-dev`, `testnet`, `mainnet`.',
    example: 'production',
  })
  env!: string;

  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'Origin of the XMTP node the clients use; null when the SDK picks it (a decentralized network without `XMTP_API_URL`).',
    example: 'https://grpc.production.xmtp.network:443',
  })
  node!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description:
      "Origin of the operator's XMTP Gateway Service (`XMTP_GATEWAY_HOST`); null on a network that needs none.",
    example: null,
  })
  gatewayHost!: string | null;
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

  @ApiProperty({ type: XmtpNetworkResponse, description: 'The XMTP network this process uses (origins only).' })
  xmtpNetwork!: XmtpNetworkResponse;
}
