import { ApiProperty, ApiPropertyOptional, ApiSchema, getSchemaPath, type ApiPropertyOptions } from '@nestjs/swagger';

/**
 * OpenAPI-only shapes of the `content` of POST …/messages, one per `type` (validation stays in the service's parser).
 * A new sendable type adds its class here and to MESSAGE_CONTENT_VARIANTS; the contract test checks the union.
 */
const MESSAGE_ID = '3f1c0d6e9b2a4c58a1e7d0b94c2f6a13e5d7b8c9a0f1e2d3c4b5a69788796a5b';
const REFERENCE = 'reply and reaction: id of the message replied or reacted to.';
const REFERENCE_INBOX = "The referenced message's sender (looked up when omitted).";

@ApiSchema({ description: 'Plain text.' })
export class TextMessageContent {
  @ApiProperty({ enum: ['text'] })
  type!: 'text';

  @ApiProperty({ description: '1 byte to 256 KiB of UTF-8.', example: 'Hello from Mailroom' })
  text!: string;
}

@ApiSchema({ description: 'Markdown source.' })
export class MarkdownMessageContent {
  @ApiProperty({ enum: ['markdown'] })
  type!: 'markdown';

  @ApiProperty({
    description: 'At most 256 KiB.',
    example: '**Order shipped** — track it [here](https://example.com/t/42).',
  })
  markdown!: string;
}

@ApiSchema({ description: 'A text reply to a message.' })
export class ReplyMessageContent {
  @ApiProperty({ enum: ['reply'] })
  type!: 'reply';

  @ApiProperty({ description: REFERENCE, example: MESSAGE_ID })
  reference!: string;

  @ApiPropertyOptional({ description: REFERENCE_INBOX })
  referenceInboxId?: string;

  @ApiProperty({ description: 'The reply text (1 byte to 256 KiB).', example: 'Thanks, on it!' })
  text!: string;
}

@ApiSchema({ description: 'A reaction added to, or removed from, a message.' })
export class ReactionMessageContent {
  @ApiProperty({ enum: ['reaction'] })
  type!: 'reaction';

  @ApiProperty({ description: REFERENCE, example: MESSAGE_ID })
  reference!: string;

  @ApiPropertyOptional({ description: REFERENCE_INBOX })
  referenceInboxId?: string;

  @ApiProperty({ enum: ['added', 'removed'], example: 'added' })
  action!: 'added' | 'removed';

  @ApiProperty({ enum: ['unicode', 'shortcode', 'custom'], example: 'unicode' })
  schema!: 'unicode' | 'shortcode' | 'custom';

  @ApiProperty({ description: 'The emoji, shortcode or custom value.', example: '👍' })
  content!: string;
}

@ApiSchema({ description: 'A read receipt for the conversation.' })
export class ReadReceiptMessageContent {
  @ApiProperty({ enum: ['readReceipt'], example: 'readReceipt' })
  type!: 'readReceipt';
}

const ADDRESS = '0x1111111111111111111111111111111111111111';

export class TransactionMetadataSchema {
  @ApiProperty({ example: 'transfer' })
  transactionType!: string;

  @ApiProperty({ example: 'USDC' })
  currency!: string;

  @ApiProperty({ example: 100000 })
  amount!: number;

  @ApiProperty({ example: 6 })
  decimals!: number;

  @ApiProperty({ example: ADDRESS })
  fromAddress!: string;

  @ApiProperty({ example: '0x2222222222222222222222222222222222222222' })
  toAddress!: string;
}

@ApiSchema({ description: 'A reference to an on-chain transaction (XMTP transactionReference).' })
export class TransactionReferenceMessageContent {
  @ApiProperty({ enum: ['transactionReference'] })
  type!: 'transactionReference';

  @ApiPropertyOptional({ description: 'CAIP-2 namespace of the network.', example: 'eip155' })
  namespace?: string;

  @ApiProperty({
    oneOf: [{ type: 'string' }, { type: 'integer' }],
    description: 'The chain id, decimal or hex (read back as a string).',
    example: '8453',
  })
  networkId!: string | number;

  @ApiProperty({ description: 'The transaction hash.', example: '0x' + 'ab'.repeat(32) })
  reference!: string;

  @ApiPropertyOptional({ type: TransactionMetadataSchema })
  metadata?: TransactionMetadataSchema;
}

export class WalletCallSchema {
  @ApiPropertyOptional({ example: '0x2222222222222222222222222222222222222222' })
  to?: string;

  @ApiPropertyOptional({ description: 'Hex call data.' })
  data?: string;

  @ApiPropertyOptional({ description: 'Hex wei.', example: '0x2386f26fc10000' })
  value?: string;

  @ApiPropertyOptional({ description: 'Hex gas limit.' })
  gas?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { description: 'Send 0.01 ETH', transactionType: 'transfer' },
  })
  metadata?: Record<string, string>;
}

@ApiSchema({ description: "Calls for the peer's wallet to send (EIP-5792 wallet_sendCalls)." })
export class WalletSendCallsMessageContent {
  @ApiProperty({ enum: ['walletSendCalls'] })
  type!: 'walletSendCalls';

  @ApiProperty({ example: '1.0' })
  version!: string;

  @ApiProperty({ description: 'Hex chain id.', example: '0x2105' })
  chainId!: string;

  @ApiProperty({ description: 'The sending address.', example: ADDRESS })
  from!: string;

  @ApiProperty({ type: [WalletCallSchema], minItems: 1, maxItems: 50 })
  calls!: WalletCallSchema[];

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } })
  capabilities?: Record<string, string>;
}

export class ActionButtonSchema {
  @ApiProperty({ example: 'send-10' })
  id!: string;

  @ApiProperty({ example: 'Send $10' })
  label!: string;

  @ApiPropertyOptional()
  imageUrl?: string;

  @ApiPropertyOptional({ enum: ['primary', 'secondary', 'danger'], example: 'primary' })
  style?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  expiresAt?: string;
}

@ApiSchema({ description: 'Buttons the peer can answer with an intent.' })
export class ActionsMessageContent {
  @ApiProperty({ enum: ['actions'] })
  type!: 'actions';

  @ApiProperty({ description: 'Id of this set of actions.', example: 'payment-42' })
  id!: string;

  @ApiProperty({ description: 'The prompt shown above the buttons.', example: 'Choose an amount' })
  description!: string;

  @ApiProperty({ type: [ActionButtonSchema], minItems: 1, maxItems: 10, description: 'Ids unique.' })
  actions!: ActionButtonSchema[];

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'When the buttons stop working.',
    example: '2030-01-01T00:00:00.000Z',
  })
  expiresAt?: string;
}

@ApiSchema({ description: 'The answer to an actions message: the action picked.' })
export class IntentMessageContent {
  @ApiProperty({ enum: ['intent'] })
  type!: 'intent';

  @ApiProperty({ description: 'The id of the actions answered.', example: 'payment-42' })
  id!: string;

  @ApiProperty({ description: 'The id of the action picked.', example: 'send-10' })
  actionId!: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }, { type: 'null' }] },
    description: 'A flat object of strings, numbers, booleans or nulls.',
  })
  metadata?: Record<string, unknown>;
}

@ApiSchema({ description: 'A small file inside the message (at most 900 KiB; larger files: remoteAttachment).' })
export class AttachmentMessageContent {
  @ApiProperty({ enum: ['attachment'] })
  type!: 'attachment';

  @ApiPropertyOptional({ example: 'receipt.pdf' })
  filename?: string;

  @ApiProperty({ example: 'application/pdf' })
  mimeType!: string;

  @ApiProperty({ description: 'Base64 of the file.', example: 'JVBERi0xLjQK' })
  data!: string;
}

@ApiSchema({ description: 'A file already encrypted and stored elsewhere (XMTP remoteAttachment).' })
export class RemoteAttachmentMessageContent {
  @ApiProperty({ enum: ['remoteAttachment'] })
  type!: 'remoteAttachment';

  @ApiProperty({ description: 'Where the encrypted file is stored.', example: 'https://files.example.com/3f2a' })
  url!: string;

  @ApiProperty({ description: 'SHA-256 of the encrypted payload, hex.', example: 'c0ffee'.padEnd(64, '0') })
  contentDigest!: string;

  @ApiProperty({ description: 'Base64 of the 32-byte secret.', example: Buffer.alloc(32, 1).toString('base64') })
  secret!: string;

  @ApiProperty({ description: 'Base64 of the 32-byte salt.', example: Buffer.alloc(32, 2).toString('base64') })
  salt!: string;

  @ApiProperty({ description: 'Base64 of the 12-byte nonce.', example: Buffer.alloc(12, 3).toString('base64') })
  nonce!: string;

  @ApiPropertyOptional({
    enum: ['https://', 'http://'],
    description: "The URL's scheme (derived from the URL when omitted).",
  })
  scheme?: string;

  @ApiProperty({ description: 'Bytes of the encrypted payload.', example: 48213 })
  contentLength!: number;

  @ApiPropertyOptional({ example: 'photo.jpg' })
  filename?: string;
}

/** Every sendable `type` and its schema. */
export const MESSAGE_CONTENT_VARIANTS: Readonly<Record<string, new () => object>> = {
  text: TextMessageContent,
  markdown: MarkdownMessageContent,
  reply: ReplyMessageContent,
  reaction: ReactionMessageContent,
  readReceipt: ReadReceiptMessageContent,
  transactionReference: TransactionReferenceMessageContent,
  walletSendCalls: WalletSendCallsMessageContent,
  actions: ActionsMessageContent,
  intent: IntentMessageContent,
  attachment: AttachmentMessageContent,
  remoteAttachment: RemoteAttachmentMessageContent,
};

export const MESSAGE_CONTENT_MODELS = Object.values(MESSAGE_CONTENT_VARIANTS);

/** The `content` property's schema: one of the variants, told apart by `type`. */
export function messageContentSchema(): ApiPropertyOptions {
  return {
    // An explicit type keeps Nest from also referencing the property's flat, validation-only class (allOf).
    type: Object,
    oneOf: MESSAGE_CONTENT_MODELS.map((model) => ({ $ref: getSchemaPath(model) })),
    discriminator: {
      propertyName: 'type',
      mapping: Object.fromEntries(
        Object.entries(MESSAGE_CONTENT_VARIANTS).map(([type, model]) => [type, getSchemaPath(model)]),
      ),
    },
  };
}
