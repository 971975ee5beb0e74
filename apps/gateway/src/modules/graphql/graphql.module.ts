import { Module } from '@nestjs/common';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { GraphQLModule, GraphQLSchemaHost } from '@nestjs/graphql';
import { Authenticator } from '../../common/auth/index.js';
import { GATEWAY_RUNTIME, type GatewayRuntime } from '../../runtime.js';
import { AttachmentsModule } from '../attachments/attachments.module.js';
import { ConsentModule } from '../consent/consent.module.js';
import { ConversationsModule } from '../conversations/conversations.module.js';
import { IdentitiesModule } from '../identities/identities.module.js';
import { MessagesModule } from '../messages/messages.module.js';
import { GqlAuthenticationGuard } from './auth/gql-authentication.guard.js';
import { graphqlTransportOptions } from './graphql-transport.js';
import { IdentitiesResolver } from './identities/identities.resolver.js';
import { GqlOperationInterceptor } from './operations/gql-operation.interceptor.js';
import { DEFAULT_QUERY_LIMITS } from './limits/query-limits.js';
import { AttachmentsResolver } from './messaging/attachments.resolver.js';
import { ConsentResolver } from './messaging/consent.resolver.js';
import { ConversationsResolver } from './messaging/conversations.resolver.js';
import { MessagesResolver } from './messaging/messages.resolver.js';
import { LoaderServices } from './request-loaders.js';
import { SystemResolver } from './system/system.resolver.js';
import { GraphqlWebsocketServer } from './ws/graphql-websocket-server.js';

/** Loaders live in their own module so the GraphQL options factory can inject them. */
@Module({
  imports: [IdentitiesModule, ConversationsModule, MessagesModule],
  providers: [LoaderServices],
  exports: [LoaderServices],
})
class GraphqlLoadersModule {}

/**
 * GraphQL at /graphql (code-first, Apollo on Fastify) and graphql-ws subscriptions on the same path: thin resolvers
 * over the same services as REST.
 */
@Module({
  imports: [
    IdentitiesModule,
    ConversationsModule,
    MessagesModule,
    ConsentModule,
    AttachmentsModule,
    GraphqlLoadersModule,
    GraphQLModule.forRootAsync<ApolloDriverConfig>({
      driver: ApolloDriver,
      imports: [GraphqlLoadersModule],
      inject: [GATEWAY_RUNTIME, Authenticator, LoaderServices, GraphQLSchemaHost],
      useFactory: (
        runtime: GatewayRuntime,
        authenticator: Authenticator,
        loaders: LoaderServices,
        schemaHost: GraphQLSchemaHost,
      ) =>
        graphqlTransportOptions({
          authenticator,
          loaders,
          limits: DEFAULT_QUERY_LIMITS,
          production: runtime.config.nodeEnv === 'production',
          introspection: runtime.config.apiDocs,
          schema: () => schemaHost.schema,
        }),
    }),
  ],
  providers: [
    GqlAuthenticationGuard,
    GqlOperationInterceptor,
    IdentitiesResolver,
    ConversationsResolver,
    MessagesResolver,
    ConsentResolver,
    AttachmentsResolver,
    SystemResolver,
    GraphqlWebsocketServer,
  ],
})
export class MailroomGraphqlModule {}
