import { Field, ObjectType, Query, Resolver, Subscription } from '@nestjs/graphql';
import type { Principal } from '../../../common/auth/index.js';
import { GqlAuthenticated, GqlPrincipal } from '../auth/gql-authenticated.decorator.js';

@ObjectType('Viewer', { description: 'Who the credential of this request (or websocket) belongs to.' })
export class ViewerModel {
  @Field({ description: '`admin`, `apiKey` or `identity`.' })
  type!: string;

  @Field()
  tenantId!: string;

  @Field(() => String, { nullable: true, description: 'Set for identity tokens.' })
  identityId!: string | null;

  @Field(() => [String], { description: 'API key scopes; empty for admins and identity tokens.' })
  scopes!: string[];
}

function viewerOf(principal: Principal): ViewerModel {
  return {
    type: principal.type,
    tenantId: principal.tenantId,
    identityId: principal.type === 'identity' ? principal.identityId : null,
    scopes: principal.type === 'apiKey' ? [...principal.scopes] : [],
  };
}

async function* once<T>(value: T): AsyncGenerator<T> {
  yield value;
}

@Resolver()
export class SystemResolver {
  @Query(() => ViewerModel, { description: 'The caller. Any valid credential may ask.' })
  @GqlAuthenticated({ anyCredential: true })
  viewer(@GqlPrincipal() principal: Principal): ViewerModel {
    return viewerOf(principal);
  }

  @Subscription(() => ViewerModel, {
    name: 'viewer',
    description: "Emits the socket's caller once and completes: checks a websocket's `connection_init` credential.",
    resolve: (payload: ViewerModel) => payload,
  })
  @GqlAuthenticated({ anyCredential: true })
  viewerOnce(@GqlPrincipal() principal: Principal) {
    return once(viewerOf(principal));
  }
}
