import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

const IDENTITY_ID = '5f0c2d9e-8a1b-4c3d-9e8f-7a6b5c4d3e2f';
const INBOX_ID = 'a1c3e5f7092b4d6f8a1c3e5f7092b4d6f8a1c3e5f7092b4d6f8a1c3e5f7092b4d';
const INSTALLATION_ID = '0e1d2c3b4a5968778695a4b3c2d1e0f10e1d2c3b4a5968778695a4b3c2d1e0f1';

/** The identity fields every answer carries (IdentitySummary). Key material never leaves the service. */
export class IdentityResponse {
  @ApiProperty({ format: 'uuid', example: IDENTITY_ID })
  id!: string;

  @ApiProperty({ enum: ['creating', 'active', 'pending_signature', 'broken', 'deleted'], example: 'active' })
  status!: string;

  @ApiProperty({
    enum: ['custodial', 'wallet'],
    description: 'custodial: Mailroom holds the wallet key; wallet: its owner does.',
    example: 'custodial',
  })
  custody!: string;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'XMTP inbox id (null until registered).',
    example: INBOX_ID,
  })
  inboxId!: string | null;

  @ApiProperty({ description: 'Wallet address (0x + 40 hex).', example: '0x4b2f0a8e6c1d3f5a7b9c0e2d4f6a8b0c1d3e5f7a' })
  address!: string;

  @ApiProperty({ type: String, nullable: true, example: INSTALLATION_ID })
  installationId!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'Support bot' })
  label!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'user-42' })
  externalId!: string | null;

  @ApiProperty({ format: 'date-time', example: '2026-01-05T09:00:00.000Z' })
  createdAt!: string;

  @ApiPropertyOptional({ description: 'Why a broken identity is broken.' })
  brokenReason?: string;
}

export class IdentityPageResponse {
  @ApiProperty({ type: [IdentityResponse] })
  items!: IdentityResponse[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page; null on the last.' })
  nextCursor!: string | null;
}

export class InstallationResponse {
  @ApiProperty({ example: INSTALLATION_ID })
  id!: string;

  @ApiProperty({ type: String, nullable: true, format: 'date-time' })
  createdAt!: string | null;

  @ApiProperty({ description: "Mailroom's own installation.", example: true })
  current!: boolean;
}

export class IdentifierResponse {
  @ApiProperty({ example: '0x4b2f0a8e6c1d3f5a7b9c0e2d4f6a8b0c1d3e5f7a' })
  identifier!: string;

  @ApiProperty({ example: 'Ethereum' })
  kind!: string;
}

export class InboxStateResponse {
  @ApiProperty({ type: [InstallationResponse] })
  installations!: InstallationResponse[];

  @ApiProperty({ example: 1 })
  installationCount!: number;

  @ApiProperty({ example: 10 })
  installationLimit!: number;

  @ApiProperty({ type: Number, nullable: true, example: 1 })
  identityUpdateCount!: number | null;

  @ApiProperty({ example: 256 })
  identityUpdateLimit!: number;

  @ApiProperty({ type: [IdentifierResponse] })
  identifiers!: IdentifierResponse[];
}

/** One identity with its inbox state (null while it is not active). */
export class IdentityDetailResponse extends IdentityResponse {
  @ApiProperty({ type: [InstallationResponse] })
  installations!: InstallationResponse[];

  @ApiProperty({ type: Number, nullable: true, example: 1 })
  identityUpdateCount!: number | null;

  @ApiProperty({ type: InboxStateResponse, nullable: true })
  inboxState!: InboxStateResponse | null;
}

export class IdentityTokenResponse {
  @ApiProperty({
    description: 'JWT for `Authorization: Bearer`, valid for this identity only.',
    example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.…',
  })
  token!: string;

  @ApiProperty({ format: 'date-time', example: '2026-01-05T10:00:00.000Z' })
  expiresAt!: string;

  @ApiProperty({ format: 'uuid', example: IDENTITY_ID })
  identityId!: string;
}

export class RevokedInstallationsResponse {
  @ApiProperty({ type: [String], description: 'Installation ids revoked.', example: [INSTALLATION_ID] })
  revoked!: string[];
}

export class WalletSignerResponse {
  @ApiProperty({ enum: ['eoa', 'scw'], example: 'eoa' })
  type!: string;

  @ApiProperty({ example: '0x4b2f0a8e6c1d3f5a7b9c0e2d4f6a8b0c1d3e5f7a' })
  address!: string;

  @ApiPropertyOptional({ example: 8453 })
  chainId?: number;
}

export class InstallationBudgetResponse {
  @ApiProperty({ example: 2 })
  current!: number;

  @ApiProperty({ example: 3 })
  afterSigning!: number;

  @ApiProperty({ example: 10 })
  limit!: number;

  @ApiProperty({ example: true })
  inboxExists!: boolean;
}

/** What a wallet-owned identity's wallet must sign (answers 202). */
export class SignatureRequestResponse {
  @ApiProperty({ format: 'uuid', description: 'The identity id.', example: IDENTITY_ID })
  id!: string;

  @ApiProperty({ enum: ['pending_signature'], example: 'pending_signature' })
  status!: string;

  @ApiProperty({ enum: ['create', 'revoke'], example: 'create' })
  action!: string;

  @ApiProperty({
    description: 'Sign this text with the wallet (EIP-191 personal_sign for an EOA), then POST it to …/signature.',
    example: 'XMTP : Authenticate to inbox\n…',
  })
  signatureText!: string;

  @ApiProperty({ format: 'date-time', example: '2026-01-05T09:10:00.000Z' })
  expiresAt!: string;

  @ApiProperty({ type: WalletSignerResponse })
  signer!: WalletSignerResponse;

  @ApiProperty({ example: INBOX_ID })
  inboxId!: string;

  @ApiPropertyOptional({ description: 'create: the installation the signature registers.', example: INSTALLATION_ID })
  installationId?: string;

  @ApiPropertyOptional({ type: [String], description: 'revoke: the installations it revokes.' })
  installationIds?: string[];

  @ApiPropertyOptional({
    type: InstallationBudgetResponse,
    description: "create: the inbox's installations before and after signing.",
  })
  installationBudget?: InstallationBudgetResponse;
}

/** A completed wallet signature: the identity, and for a revocation the installations revoked. */
export class CompletedSignatureResponse extends IdentityResponse {
  @ApiPropertyOptional({ type: [String] })
  revoked?: string[];
}
