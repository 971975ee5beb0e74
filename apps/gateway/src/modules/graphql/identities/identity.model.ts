import { Field, Int, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'One installation of an inbox.' })
export class InstallationModel {
  @Field()
  id!: string;

  @Field(() => String, { nullable: true })
  createdAt!: string | null;

  @Field({ description: "Whether this is Mailroom's own installation of the inbox." })
  current!: boolean;
}

@ObjectType('InboxIdentifier')
export class InboxIdentifierModel {
  @Field()
  identifier!: string;

  @Field({ description: '`ethereum` or `passkey`.' })
  kind!: string;
}

@ObjectType('InboxState', { description: 'The inbox as the XMTP network sees it.' })
export class InboxStateModel {
  @Field(() => [InstallationModel])
  installations!: InstallationModel[];

  @Field(() => Int)
  installationCount!: number;

  @Field(() => Int)
  installationLimit!: number;

  @Field(() => Int, { nullable: true })
  identityUpdateCount!: number | null;

  @Field(() => Int)
  identityUpdateLimit!: number;

  @Field(() => [InboxIdentifierModel])
  identifiers!: InboxIdentifierModel[];
}

@ObjectType('Identity', { description: 'A hosted XMTP identity (REST: `/v1/identities/:id`).' })
export class IdentityModel {
  @Field()
  id!: string;

  @Field({ description: '`creating`, `active`, `pending_signature`, `broken` or `deleted`.' })
  status!: string;

  @Field({ description: 'Who holds the wallet key.' })
  custody!: string;

  @Field(() => String, { nullable: true })
  inboxId!: string | null;

  @Field()
  address!: string;

  @Field(() => String, { nullable: true })
  installationId!: string | null;

  @Field(() => String, { nullable: true })
  label!: string | null;

  @Field(() => String, { nullable: true })
  externalId!: string | null;

  @Field()
  createdAt!: string;

  @Field(() => String, { nullable: true })
  brokenReason?: string;
}
