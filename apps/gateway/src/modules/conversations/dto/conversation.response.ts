import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

const CONVERSATION_ID = '9a0e5c1f2b3d4e5f60718293a4b5c6d7';
const PEER_INBOX = 'b2f4d6e8a0c2e4f6b8d0a2c4e6f8b0d2f4d6e8a0c2e4f6b8d0a2c4e6f8b0d2f4';

/** A DM or group as the transports show it (ConversationView); group-only fields are absent on DMs. */
export class ConversationResponse {
  @ApiProperty({ example: CONVERSATION_ID })
  id!: string;

  @ApiProperty({ enum: ['dm', 'group'], example: 'dm' })
  type!: string;

  @ApiPropertyOptional({ description: 'DMs: the other participant.', example: PEER_INBOX })
  peerInboxId?: string;

  @ApiPropertyOptional({ description: 'Groups.', example: 'Support' })
  name?: string;

  @ApiPropertyOptional({ description: 'Groups.' })
  description?: string;

  @ApiPropertyOptional({ description: 'Groups.' })
  imageUrl?: string;

  @ApiPropertyOptional({ enum: ['default', 'admin_only', 'custom'], description: 'Groups.' })
  permissions?: string;

  @ApiPropertyOptional({ type: [String], description: 'Groups: admin inbox ids.' })
  admins?: string[];

  @ApiPropertyOptional({ type: [String], description: 'Groups: super-admin inbox ids.' })
  superAdmins?: string[];

  @ApiProperty({ enum: ['allowed', 'denied', 'unknown'], example: 'allowed' })
  consent!: string;

  @ApiProperty({ description: 'False once the identity left or was removed from the group.', example: true })
  isActive!: boolean;

  @ApiPropertyOptional({
    description: "Groups: the identity asked to leave and waits for an admin's client to remove it.",
  })
  pendingRemoval?: boolean;

  @ApiProperty({ example: PEER_INBOX })
  addedByInboxId!: string;

  @ApiProperty({ format: 'date-time', example: '2026-01-05T09:29:58.000Z' })
  createdAt!: string;

  @ApiProperty({ description: 'Nanoseconds since the epoch, as a decimal string.', example: '1767605398000000000' })
  createdAtNs!: string;
}

export class ConversationPageResponse {
  @ApiProperty({ type: [ConversationResponse] })
  items!: ConversationResponse[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page; null on the last.' })
  nextCursor!: string | null;
}

export class MemberResponse {
  @ApiProperty({ example: PEER_INBOX })
  inboxId!: string;

  @ApiProperty({ type: [String], example: ['0x4b2f0a8e6c1d3f5a7b9c0e2d4f6a8b0c1d3e5f7a'] })
  addresses!: string[];

  @ApiProperty({ enum: ['member', 'admin', 'super_admin'], example: 'member' })
  role!: string;

  @ApiProperty({ example: 1 })
  installationCount!: number;
}

export class MemberListResponse {
  @ApiProperty({ type: [MemberResponse] })
  items!: MemberResponse[];
}

export class CanMessageResponse {
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'boolean' },
    description: 'Per identifier as sent: whether it can receive XMTP messages.',
    example: { '0x4b2f0a8e6c1d3f5a7b9c0e2d4f6a8b0c1d3e5f7a': true },
  })
  results!: Record<string, boolean>;
}
