import { ApiProperty } from '@nestjs/swagger';

export class UsageWindowResponse {
  @ApiProperty({ example: '2025-12-23' })
  from!: string;

  @ApiProperty({ example: '2026-01-05' })
  to!: string;

  @ApiProperty({ example: 14 })
  days!: number;
}

export class UsageDayResponse {
  @ApiProperty({ example: '2026-01-05' })
  day!: string;

  @ApiProperty({ example: 120 })
  messagesSent!: number;

  @ApiProperty({ example: 98 })
  messagesReceived!: number;
}

export class UsageTotalsResponse {
  @ApiProperty({ example: 1200 })
  messagesSent!: number;

  @ApiProperty({ example: 980 })
  messagesReceived!: number;
}

export class UsageIdentitiesResponse {
  @ApiProperty({ example: 12 })
  total!: number;

  @ApiProperty({ example: 11 })
  active!: number;

  @ApiProperty({ example: 0 })
  broken!: number;
}

export class UsageWebhooksResponse {
  @ApiProperty({ example: 310 })
  succeeded!: number;

  @ApiProperty({ example: 2 })
  failed!: number;

  @ApiProperty({ type: Number, nullable: true, example: 0.9936 })
  successRate!: number | null;
}

export class InstallationAlertResponse {
  @ApiProperty({ format: 'uuid' })
  identityId!: string;

  @ApiProperty({ type: String, nullable: true })
  label!: string | null;

  @ApiProperty({ example: 8 })
  installationCount!: number;

  @ApiProperty({ example: 10 })
  installationLimit!: number;

  @ApiProperty({ format: 'date-time' })
  at!: string;
}

export class UsageResponse {
  @ApiProperty({ type: UsageWindowResponse })
  window!: UsageWindowResponse;

  @ApiProperty({ type: [UsageDayResponse] })
  daily!: UsageDayResponse[];

  @ApiProperty({ type: UsageTotalsResponse })
  totals!: UsageTotalsResponse;

  @ApiProperty({ type: UsageIdentitiesResponse })
  identities!: UsageIdentitiesResponse;

  @ApiProperty({
    description: 'Identities of this tenant with an open XMTP client in the answering gateway process.',
    example: 3,
  })
  liveClients!: number;

  @ApiProperty({ type: UsageWebhooksResponse })
  webhooks!: UsageWebhooksResponse;

  @ApiProperty({ type: [InstallationAlertResponse] })
  installationAlerts!: InstallationAlertResponse[];
}
