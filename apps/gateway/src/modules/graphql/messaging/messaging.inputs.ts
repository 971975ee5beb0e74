import { ArgsType, Field, InputType, Int } from '@nestjs/graphql';
import { ArrayMaxSize, IsArray, IsDate, IsEnum, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import {
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

  @Field(() => [ConsentStateEnum], { nullable: true, description: 'Default: allowed and unknown. `[unknown]` lists requests.' })
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

  @Field(() => [String], { nullable: true, description: 'Content-type names (text, markdown, reply, reaction, readReceipt, groupUpdated, …).' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  contentTypes?: string[];
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
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== null && value !== undefined)) as never;
}
