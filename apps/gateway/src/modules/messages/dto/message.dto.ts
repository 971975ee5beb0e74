import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { Allow, IsArray, IsIn, IsNumber, IsObject, IsOptional, IsString, ValidateNested } from 'class-validator';
import { OUTGOING_CONTENT_TYPES } from '@mailroom/xmtp';
import { PageQuery } from '../../../common/pagination/page-query.dto.js';
import { messageContentSchema } from './message-content.schemas.js';

const splitList = ({ value }: { value: unknown }) =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : value;

export class ListMessagesQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'desc' })
  @IsOptional()
  @IsIn(['asc', 'desc'])
  direction?: 'asc' | 'desc';

  @ApiPropertyOptional({
    description:
      'Comma-separated: text, markdown, reply, reaction, readReceipt, groupUpdated, attachment, remoteAttachment, custom, …',
  })
  @IsOptional()
  @Transform(splitList)
  @IsArray()
  @IsString({ each: true })
  contentTypes?: string[];
}

/** One shape for every sendable type; which fields are required depends on `type` (checked by the service). */
export class MessageContentDto {
  @ApiProperty({ enum: [...OUTGOING_CONTENT_TYPES] })
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

  // transactionReference: { namespace?, networkId, reference, metadata? }. `reference` above is the transaction hash.
  @ApiPropertyOptional({ description: 'transactionReference: CAIP-2 namespace of the network.', example: 'eip155' })
  @IsOptional()
  @IsString()
  namespace?: string;

  @ApiPropertyOptional({
    description: 'transactionReference: the chain id, decimal or hex (a number is accepted and read back as a string).',
    oneOf: [{ type: 'string' }, { type: 'integer' }],
    example: '8453',
  })
  @Allow()
  networkId?: string | number;

  @ApiPropertyOptional({
    description:
      'transactionReference: `{ transactionType, currency, amount, decimals, fromAddress, toAddress }` (all required). intent: a flat object of strings, numbers, booleans or nulls.',
    type: 'object',
    additionalProperties: true,
    example: {
      transactionType: 'transfer',
      currency: 'USDC',
      amount: 100000,
      decimals: 6,
      fromAddress: '0x…',
      toAddress: '0x…',
    },
  })
  @IsOptional()
  @IsObject()
  metadata?: Record<string, unknown>;

  // walletSendCalls: { version, chainId, from, calls, capabilities? } (EIP-5792 wallet_sendCalls).
  @ApiPropertyOptional({ description: 'walletSendCalls: the wallet_sendCalls version.', example: '1.0' })
  @IsOptional()
  @IsString()
  version?: string;

  @ApiPropertyOptional({ description: 'walletSendCalls: hex chain id.', example: '0x2105' })
  @IsOptional()
  @IsString()
  chainId?: string;

  @ApiPropertyOptional({
    description: 'walletSendCalls: the sending address.',
    example: '0x1111111111111111111111111111111111111111',
  })
  @IsOptional()
  @IsString()
  from?: string;

  @ApiPropertyOptional({
    description:
      'walletSendCalls: 1 to 50 calls `{ to?, data?, value?, gas?, metadata? }` (hex strings; metadata of strings).',
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    example: [
      {
        to: '0x2222222222222222222222222222222222222222',
        value: '0x2386f26fc10000',
        metadata: { description: 'Send 0.01 ETH', transactionType: 'transfer' },
      },
    ],
  })
  @IsOptional()
  @IsArray()
  calls?: unknown[];

  @ApiPropertyOptional({
    description: 'walletSendCalls: capabilities, an object of strings.',
    type: 'object',
    additionalProperties: { type: 'string' },
  })
  @IsOptional()
  @IsObject()
  capabilities?: Record<string, string>;

  // actions: { id, description, actions, expiresAt? }; intent: { id, actionId, metadata? }.
  @ApiPropertyOptional({
    description: 'actions: id of the set of actions; intent: the id of the actions answered.',
    example: 'payment-42',
  })
  @IsOptional()
  @IsString()
  id?: string;

  @ApiPropertyOptional({ description: 'actions: the prompt shown above the buttons.', example: 'Choose an amount' })
  @IsOptional()
  @IsString()
  description?: string;

  @ApiPropertyOptional({
    description:
      'actions: 1 to 10 buttons `{ id, label, imageUrl?, style? (primary, secondary, danger), expiresAt? }`, ids unique.',
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    example: [
      { id: 'send-10', label: 'Send $10', style: 'primary' },
      { id: 'cancel', label: 'Cancel', style: 'secondary' },
    ],
  })
  @IsOptional()
  @IsArray()
  actions?: unknown[];

  @ApiPropertyOptional({
    description: 'actions: when the buttons stop working (ISO 8601, read back to the millisecond).',
    example: '2030-01-01T00:00:00.000Z',
  })
  @IsOptional()
  @IsString()
  expiresAt?: string;

  @ApiPropertyOptional({ description: 'intent: the id of the action picked.', example: 'send-10' })
  @IsOptional()
  @IsString()
  actionId?: string;

  // attachment: { filename?, mimeType, data }; remoteAttachment: { url, contentDigest, secret, salt, nonce, scheme?, contentLength, filename? }.
  @ApiPropertyOptional({ description: 'attachment and remoteAttachment: the file name.', example: 'receipt.pdf' })
  @IsOptional()
  @IsString()
  filename?: string;

  @ApiPropertyOptional({ description: 'attachment: the media type.', example: 'application/pdf' })
  @IsOptional()
  @IsString()
  mimeType?: string;

  @ApiPropertyOptional({
    description: 'attachment: base64 of the file, at most 900 KiB of bytes (larger files: remoteAttachment).',
    example: 'JVBERi0xLjQK',
  })
  @IsOptional()
  @IsString()
  data?: string;

  @ApiPropertyOptional({
    description: 'remoteAttachment: where the encrypted file is stored (https, or http).',
    example: 'https://files.example.com/3f2a',
  })
  @IsOptional()
  @IsString()
  url?: string;

  @ApiPropertyOptional({
    description: 'remoteAttachment: SHA-256 of the encrypted payload, hex.',
    example: 'c0ffee'.padEnd(64, '0'),
  })
  @IsOptional()
  @IsString()
  contentDigest?: string;

  @ApiPropertyOptional({
    description: 'remoteAttachment: base64 of the 32-byte secret.',
    example: Buffer.alloc(32, 1).toString('base64'),
  })
  @IsOptional()
  @IsString()
  secret?: string;

  @ApiPropertyOptional({
    description: 'remoteAttachment: base64 of the 32-byte salt.',
    example: Buffer.alloc(32, 2).toString('base64'),
  })
  @IsOptional()
  @IsString()
  salt?: string;

  @ApiPropertyOptional({
    description: 'remoteAttachment: base64 of the 12-byte nonce.',
    example: Buffer.alloc(12, 3).toString('base64'),
  })
  @IsOptional()
  @IsString()
  nonce?: string;

  @ApiPropertyOptional({
    enum: ['https://', 'http://'],
    description: "remoteAttachment: the URL's scheme (derived from the URL when omitted).",
  })
  @IsOptional()
  @IsString()
  scheme?: string;

  @ApiPropertyOptional({ description: 'remoteAttachment: bytes of the encrypted payload.', example: 48213 })
  @IsOptional()
  @IsNumber()
  contentLength?: number;
}

export class SendMessageDto {
  @ApiProperty({ ...messageContentSchema(), description: 'What to send; `type` picks the shape.' })
  @IsObject()
  @ValidateNested()
  @Type(() => MessageContentDto)
  content!: MessageContentDto;
}
