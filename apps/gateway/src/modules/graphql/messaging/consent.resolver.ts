import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { TenantScope } from '@mailroom/persistence';
import { ConsentService } from '../../consent/consent.service.js';
import { GqlAuthenticated, GqlTenant } from '../auth/gql-authenticated.decorator.js';
import { SetConsentInput } from './messaging.inputs.js';
import { ConsentRecordModel } from './messaging.models.js';

@Resolver(() => ConsentRecordModel)
export class ConsentResolver {
  constructor(private readonly service: ConsentService) {}

  @Query(() => [ConsentRecordModel], {
    description: "Explicit consent (allowed or denied) of the identity's conversations and DM peers.",
  })
  @GqlAuthenticated({ scope: 'messages', identityArg: 'identityId' })
  async consent(@GqlTenant() scope: TenantScope, @Args('identityId') identityId: string) {
    return (await this.service.list(scope, identityId)).items;
  }

  @Mutation(() => ConsentRecordModel, {
    description: 'Allow, deny or reset a conversation or an inbox (which also sets the DM with it).',
  })
  @GqlAuthenticated({ scope: 'messages', identityArg: 'identityId', write: true })
  setConsent(
    @GqlTenant() scope: TenantScope,
    @Args('identityId') identityId: string,
    @Args('input') input: SetConsentInput,
  ) {
    return this.service.set(scope, identityId, input);
  }
}
