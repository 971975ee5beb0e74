import { Field, Float, Int, ObjectType } from '@nestjs/graphql';
import { JSONScalar } from '../scalars/json.scalar.js';
import {
  ConsentEntityTypeEnum,
  ConsentStateEnum,
  ConversationTypeEnum,
  DeliveryStatusEnum,
} from './messaging.enums.js';

@ObjectType('ContentType', { description: 'An XMTP content type id.' })
export class ContentTypeModel {
  @Field()
  authorityId!: string;

  @Field()
  typeId!: string;

  @Field(() => Int)
  versionMajor!: number;

  @Field(() => Int)
  versionMinor!: number;
}

@ObjectType('Message', { description: 'A message as REST shows it (`…/messages`).' })
export class MessageModel {
  @Field()
  id!: string;

  @Field()
  conversationId!: string;

  @Field()
  senderInboxId!: string;

  @Field({ description: 'ISO 8601.' })
  sentAt!: string;

  @Field({ description: 'Nanoseconds since the epoch, as a decimal string.' })
  sentAtNs!: string;

  @Field({ description: '`application`, or `membership_change` for group updates.' })
  kind!: string;

  @Field(() => ContentTypeModel)
  contentType!: ContentTypeModel;

  @Field(() => JSONScalar, {
    nullable: true,
    description:
      'Decoded content: a string for text and markdown; an object for reply, reaction, group updates, and for transactionReference, walletSendCalls, actions, intent, attachment and remoteAttachment in the JSON `sendMessage` takes for them; null for unknown types.',
  })
  content!: unknown;

  @Field(() => String, { nullable: true, description: 'Set for text, markdown and reply.' })
  text!: string | null;

  @Field(() => String, { nullable: true })
  fallback!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Base64 of the encoded content when the type is unknown to Mailroom.',
  })
  encodedContent!: string | null;

  @Field(() => DeliveryStatusEnum)
  deliveryStatus!: DeliveryStatusEnum;
}

@ObjectType('Conversation', { description: 'A DM or group of one identity (REST: `…/conversations/:cid`).' })
export class ConversationModel {
  @Field()
  id!: string;

  @Field({ description: 'The identity this view belongs to.' })
  identityId!: string;

  @Field(() => ConversationTypeEnum)
  type!: ConversationTypeEnum;

  @Field(() => String, { nullable: true, description: 'DMs: the other participant.' })
  peerInboxId?: string;

  @Field(() => String, { nullable: true })
  name?: string;

  @Field(() => String, { nullable: true })
  description?: string;

  @Field(() => String, { nullable: true })
  imageUrl?: string;

  @Field(() => String, { nullable: true, description: 'Groups: `default`, `admin_only` or `custom`.' })
  permissions?: string;

  @Field(() => [String], { nullable: true })
  admins?: string[];

  @Field(() => [String], { nullable: true })
  superAdmins?: string[];

  @Field(() => ConsentStateEnum)
  consent!: ConsentStateEnum;

  @Field({ description: 'False once the identity left or was removed from the group.' })
  isActive!: boolean;

  @Field(() => Boolean, { nullable: true })
  pendingRemoval?: boolean;

  @Field()
  addedByInboxId!: string;

  @Field()
  createdAt!: string;

  @Field()
  createdAtNs!: string;
}

@ObjectType('Member')
export class MemberModel {
  @Field()
  inboxId!: string;

  @Field(() => [String])
  addresses!: string[];

  @Field({ description: '`member`, `admin` or `super_admin`.' })
  role!: string;

  @Field(() => Int)
  installationCount!: number;
}

@ObjectType('ConsentRecord')
export class ConsentRecordModel {
  @Field(() => ConsentEntityTypeEnum)
  entityType!: ConsentEntityTypeEnum;

  @Field({ description: 'A conversation id or an inbox id.' })
  entity!: string;

  @Field(() => ConsentStateEnum)
  state!: ConsentStateEnum;
}

@ObjectType('MessageAttachment', {
  description:
    'A file a message carries. Download and decrypt it with REST `GET /v1/identities/{identityId}/messages/{messageId}/attachment?index={index}`; the key material is in the message `content`.',
})
export class MessageAttachmentModel {
  @Field(() => Int, {
    description: 'Position in a multi remote attachment (0 otherwise): the `index` of the download route.',
  })
  index!: number;

  @Field({ description: '`remote` (encrypted, stored at `url`) or `inline` (the bytes are in the message).' })
  kind!: string;

  @Field(() => String, { nullable: true })
  filename!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Inline attachments only: remote ones carry their type inside the ciphertext.',
  })
  mimeType!: string | null;

  @Field(() => String, { nullable: true })
  url!: string | null;

  @Field(() => String, { nullable: true, description: 'Hex SHA-256 of the ciphertext.' })
  contentDigest!: string | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Bytes: of the ciphertext for remote attachments (when stated), of the file for inline ones.',
  })
  size!: number | null;
}
