import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { TenantScope } from '@mailroom/persistence';
import type { Principal } from '../../../common/auth/index.js';
import { IdentitiesService } from '../../identities/identities.service.js';
import type { IdentitySummary, InboxStateView } from '../../identities/identity.presenter.js';
import { GqlAuthenticated, GqlPrincipal, GqlTenant } from '../auth/gql-authenticated.decorator.js';
import type { GraphqlContext } from '../graphql-context.js';
import { GqlIdempotent } from '../idempotency/gql-idempotent.decorator.js';
import { ConnectionType, connectionComplexity, toConnection } from '../pagination/connection.js';
import { CreateIdentityInput, IdentitiesArgs } from './identity.inputs.js';
import { IdentityModel, InboxStateModel } from './identity.model.js';

const IdentityConnection = ConnectionType(IdentityModel, 'Identity');

/** An identity as resolvers pass it around: the summary, and the inbox state when the service already fetched it. */
type IdentityParent = IdentitySummary & { inboxState?: InboxStateView | null };

/** Network lookups cost more than plain fields. */
const INBOX_STATE_COMPLEXITY = 10;

@Resolver(() => IdentityModel)
export class IdentitiesResolver {
  constructor(private readonly service: IdentitiesService) {}

  @Query(() => IdentityConnection, { description: 'Identities, newest first.', complexity: connectionComplexity(50) })
  @GqlAuthenticated({ scope: 'identities' })
  identities(@GqlTenant() scope: TenantScope, @Args() args: IdentitiesArgs) {
    return this.service
      .list(scope, { limit: args.first, cursor: args.after, externalId: args.externalId, label: args.label })
      .then(toConnection);
  }

  @Query(() => IdentityModel, { description: 'One identity with its inbox state. Identity tokens may read their own.' })
  @GqlAuthenticated({ scope: 'identities', identityArg: 'id' })
  identity(@GqlTenant() scope: TenantScope, @Args('id') id: string): Promise<IdentityParent> {
    return this.service.get(scope, id);
  }

  @Mutation(() => IdentityModel, { description: 'Create a hosted identity: a new wallet, inbox and installation.' })
  @GqlAuthenticated({ scope: 'identities', write: true })
  @GqlIdempotent()
  createIdentity(
    @GqlTenant() scope: TenantScope,
    @GqlPrincipal() actor: Principal,
    @Args('input', { type: () => CreateIdentityInput, nullable: true }) input: CreateIdentityInput,
    @Args('idempotencyKey', {
      type: () => String,
      nullable: true,
      description: 'Retry-safe key, as the REST Idempotency-Key.',
    })
    idempotencyKey: string | undefined,
  ) {
    return this.service.create(scope, actor, { label: input?.label, externalId: input?.externalId }, idempotencyKey);
  }

  @ResolveField('inboxState', () => InboxStateModel, {
    nullable: true,
    description: 'Installations and identity updates on the network; null while the identity is not active.',
    complexity: INBOX_STATE_COMPLEXITY,
  })
  inboxState(@Parent() identity: IdentityParent, @GqlTenant() scope: TenantScope, @Context() context: GraphqlContext) {
    if (identity.inboxState !== undefined) return identity.inboxState;
    return context.loaders.inboxStates(scope).load(identity.id);
  }
}
