import { ArgsType, Field, Float, InputType, Int } from '@nestjs/graphql';
import {
  Allow,
  ArrayMaxSize,
  IsArray,
  IsDate,
  IsEnum,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { JSONScalar } from '../scalars/json.scalar.js';
import {
  ActionStyleEnum,
  ConsentEntityTypeEnum,
  ConsentStateEnum,
  ConversationTypeEnum,
  GroupPermissionsEnum,
  MessageContentTypeEnum,
  MessageDirectionEnum,
  ReactionActionEnum,
  ReactionSchemaEnum,
} from './messaging.enums.js';

// Shapes and bounds only: the services validate meaning (addresses, inbox ids, sizes) for every transport.

@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, description: 'Page size, 1–100 (default 50).' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  first?: number;

  @Field(() => String, { nullable: true, description: '`pageInfo.endCursor` of the previous page (the REST cursor).' })
  @IsOptional()
  @IsString()
  @MaxLength(20_000)
  after?: string;
}

@ArgsType()
export class ConversationsArgs extends PageArgs {
  @Field(() => String)
  @IsString()
  identityId!: string;

  @Field(() => ConversationTypeEnum, { nullable: true })
  @IsOptional()
  @IsEnum(ConversationTypeEnum)
  type?: ConversationTypeEnum;

  @Field(() => [ConsentStateEnum], {
    nullable: true,
    description: 'Default: allowed and unknown. `[unknown]` lists requests.',
  })
  @IsOptional()
  @IsArray()
  @IsEnum(ConsentStateEnum, { each: true })
  consent?: ConsentStateEnum[];

  @Field(() => Date, { nullable: true })
  @IsOptional()
  @IsDate()
  createdAfter?: Date;

  @Field(() => Date, { nullable: true })
  @IsOptional()
  @IsDate()
  createdBefore?: Date;
}

@ArgsType()
export class MessagesArgs extends PageArgs {
  @Field(() => String)
  @IsString()
  identityId!: string;

  @Field(() => String)
  @IsString()
  conversationId!: string;

  @Field(() => MessageDirectionEnum, { nullable: true, description: 'Default desc (newest first).' })
  @IsOptional()
  @IsEnum(MessageDirectionEnum)
  direction?: MessageDirectionEnum;

  @Field(() => [String], {
    nullable: true,
    description: 'Content-type names (text, markdown, reply, reaction, readReceipt, groupUpdated, …).',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  contentTypes?: string[];
}

// Nested inputs are checked by the service's content parser (it names each bad field), not by class-validator.
@InputType({ description: 'One button of an actions message.' })
export class ActionInput {
  @Field(() => String)
  @Allow()
  id!: string;

  @Field(() => String)
  @Allow()
  label!: string;

  @Field(() => String, { nullable: true })
  @Allow()
  imageUrl?: string;

  @Field(() => ActionStyleEnum, { nullable: true })
  @Allow()
  style?: ActionStyleEnum;

  @Field(() => String, { nullable: true, description: 'ISO 8601.' })
  @Allow()
  expiresAt?: string;
}

@InputType({ description: 'One call of a walletSendCalls message (hex strings).' })
export class WalletCallInput {
  @Field(() => String, { nullable: true })
  @Allow()
  to?: string;

  @Field(() => String, { nullable: true })
  @Allow()
  data?: string;

  @Field(() => String, { nullable: true })
  @Allow()
  value?: string;

  @Field(() => String, { nullable: true })
  @Allow()
  gas?: string;

  @Field(() => JSONScalar, {
    nullable: true,
    description: 'An object of strings, e.g. description and transactionType.',
  })
  @Allow()
  metadata?: Record<string, string>;
}

@InputType({ description: 'What to send; the fields a `type` needs are those of the REST body.' })
export class MessageContentInput {
  @Field(() => MessageContentTypeEnum)
  @IsEnum(MessageContentTypeEnum)
  type!: MessageContentTypeEnum;

  @Field(() => String, { nullable: true, description: 'text and reply.' })
  @IsOptional()
  @IsString()
  text?: string;

  @Field(() => String, { nullable: true, description: 'markdown.' })
  @IsOptional()
  @IsString()
  markdown?: string;

  @Field(() => String, { nullable: true, description: 'reply and reaction: the message id referred to.' })
  @IsOptional()
  @IsString()
  reference?: string;

  @Field(() => String, { nullable: true, description: 'reply and reaction: the inbox that sent the referred message.' })
  @IsOptional()
  @IsString()
  referenceInboxId?: string;

  @Field(() => ReactionActionEnum, { nullable: true })
  @IsOptional()
  @IsEnum(ReactionActionEnum)
  action?: ReactionActionEnum;

  @Field(() => ReactionSchemaEnum, { nullable: true })
  @IsOptional()
  @IsEnum(ReactionSchemaEnum)
  schema?: ReactionSchemaEnum;

  @Field(() => String, { nullable: true, description: 'reaction: the emoji, shortcode or custom reaction.' })
  @IsOptional()
  @IsString()
  content?: string;

  @Field(() => String, {
    nullable: true,
    description: 'transactionReference: CAIP-2 namespace (e.g. eip155). `reference` is the transaction hash.',
  })
  @IsOptional()
  @IsString()
  namespace?: string;

  @Field(() => String, { nullable: true, description: 'transactionReference: the chain id, decimal or hex.' })
  @IsOptional()
  @IsString()
  networkId?: string;

  @Field(() => JSONScalar, {
    nullable: true,
    description:
      'transactionReference: `{ transactionType, currency, amount, decimals, fromAddress, toAddress }`; intent: a flat object of strings, numbers, booleans or nulls.',
  })
  @IsOptional()
  @IsObject()
  metadata?: Record<string, unknown>;

  @Field(() => String, { nullable: true, description: 'walletSendCalls: the wallet_sendCalls version, e.g. 1.0.' })
  @IsOptional()
  @IsString()
  version?: string;

  @Field(() => String, { nullable: true, description: 'walletSendCalls: hex chain id, e.g. 0x2105.' })
  @IsOptional()
  @IsString()
  chainId?: string;

  @Field(() => String, { nullable: true, description: 'walletSendCalls: the sending address.' })
  @IsOptional()
  @IsString()
  from?: string;

  @Field(() => [WalletCallInput], { nullable: true, description: 'walletSendCalls: 1 to 50 calls.' })
  @IsOptional()
  @IsArray()
  calls?: WalletCallInput[];

  @Field(() => JSONScalar, { nullable: true, description: 'walletSendCalls: capabilities, an object of strings.' })
  @IsOptional()
  @IsObject()
  capabilities?: Record<string, string>;

  @Field(() => String, { nullable: true, description: 'actions: id of the set; intent: id of the actions answered.' })
  @IsOptional()
  @IsString()
  id?: string;

  @Field(() => String, { nullable: true, description: 'actions: the prompt shown above the buttons.' })
  @IsOptional()
  @IsString()
  description?: string;

  @Field(() => [ActionInput], { nullable: true, description: 'actions: 1 to 10 buttons with unique ids.' })
  @IsOptional()
  @IsArray()
  actions?: ActionInput[];

  @Field(() => String, { nullable: true, description: 'actions: when the buttons stop working (ISO 8601).' })
  @IsOptional()
  @IsString()
  expiresAt?: string;

  @Field(() => String, { nullable: true, description: 'intent: the id of the action picked.' })
  @IsOptional()
  @IsString()
  actionId?: string;

  @Field(() => String, { nullable: true, description: 'attachment and remoteAttachment: the file name.' })
  @IsOptional()
  @IsString()
  filename?: string;

  @Field(() => String, { nullable: true, description: 'attachment: the media type.' })
  @IsOptional()
  @IsString()
  mimeType?: string;

  @Field(() => String, { nullable: true, description: 'attachment: base64 of the file (at most 900 KiB of bytes).' })
  @IsOptional()
  @IsString()
  data?: string;

  @Field(() => String, { nullable: true, description: 'remoteAttachment: where the encrypted file is stored.' })
  @IsOptional()
  @IsString()
  url?: string;

  @Field(() => String, { nullable: true, description: 'remoteAttachment: SHA-256 of the encrypted payload, hex.' })
  @IsOptional()
  @IsString()
  contentDigest?: string;

  @Field(() => String, { nullable: true, description: 'remoteAttachment: base64 of the 32-byte secret.' })
  @IsOptional()
  @IsString()
  secret?: string;

  @Field(() => String, { nullable: true, description: 'remoteAttachment: base64 of the 32-byte salt.' })
  @IsOptional()
  @IsString()
  salt?: string;

  @Field(() => String, { nullable: true, description: 'remoteAttachment: base64 of the 12-byte nonce.' })
  @IsOptional()
  @IsString()
  nonce?: string;

  @Field(() => String, {
    nullable: true,
    description: "remoteAttachment: https:// or http://, the URL's (derived from it when omitted).",
  })
  @IsOptional()
  @IsString()
  scheme?: string;

  @Field(() => Float, { nullable: true, description: 'remoteAttachment: bytes of the encrypted payload (an integer).' })
  @IsOptional()
  @IsNumber()
  contentLength?: number;
}

@InputType()
export class GroupMetadataInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  name?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  description?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  imageUrl?: string;
}

@InputType()
export class CreateGroupInput extends GroupMetadataInput {
  @Field(() => [String], { description: 'Addresses or inbox ids (at most 250), not counting the identity.' })
  @IsArray()
  @IsString({ each: true })
  members!: string[];

  @Field(() => GroupPermissionsEnum, { nullable: true })
  @IsOptional()
  @IsEnum(GroupPermissionsEnum)
  permissions?: GroupPermissionsEnum;
}

@InputType()
export class SetConsentInput {
  @Field(() => ConsentEntityTypeEnum)
  @IsEnum(ConsentEntityTypeEnum)
  entityType!: ConsentEntityTypeEnum;

  @Field({ description: 'A conversation id or an inbox id.' })
  @IsString()
  entity!: string;

  @Field(() => ConsentStateEnum)
  @IsEnum(ConsentStateEnum)
  state!: ConsentStateEnum;
}

/** Drops null and undefined members: GraphQL sends explicit nulls, the services expect absent fields. */
export function withoutNulls<T extends object>(input: T): { [K in keyof T]?: Exclude<T[K], null> } {
  return Object.fromEntries(
    Object.entries(input).filter(([, value]) => value !== null && value !== undefined),
  ) as never;
}
