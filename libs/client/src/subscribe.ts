import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';

/** Fields selected when `fields` is not given. */
export const DEFAULT_SELECTIONS = {
  messageReceived:
    'id conversationId senderInboxId sentAt kind contentType { authorityId typeId versionMajor versionMinor } content fallback deliveryStatus',
  conversationCreated: 'id identityId type consent name peerInboxId isActive createdAt',
  consentChanged: 'entity entityType state',
} as const;

export interface SubscriptionVariables {
  messageReceived: { identityId: string; conversationId?: string };
  conversationCreated: { identityId: string };
  consentChanged: { identityId: string };
}

/** What each subscription yields with the default selection (schema: docs/api/schema.graphql). */
export interface SubscriptionResults {
  messageReceived: {
    id: string;
    conversationId: string;
    senderInboxId: string;
    sentAt: string;
    kind: string;
    contentType: { authorityId: string; typeId: string; versionMajor: number; versionMinor: number };
    content: unknown;
    fallback: string | null;
    deliveryStatus: string;
  };
  conversationCreated: {
    id: string;
    identityId: string;
    type: string;
    consent: 'allowed' | 'denied' | 'unknown';
    name: string | null;
    peerInboxId: string | null;
    isActive: boolean;
    createdAt: string;
  };
  consentChanged: { entity: string; entityType: string; state: 'allowed' | 'denied' | 'unknown' };
}

export type SubscriptionName = keyof SubscriptionVariables;

export interface SubscribeOptions<N extends SubscriptionName> {
  /** The gateway's origin (`https://…`); the socket opens on `/graphql` there. */
  baseUrl: string;
  /** An API key, identity token or admin access token; sent in `connection_init`. */
  credential: string | (() => string | Promise<string>);
  subscription: N;
  variables: SubscriptionVariables[N];
  /** A custom GraphQL selection set (without braces); the result type then is yours to narrow. */
  fields?: string;
  onEvent: (event: SubscriptionResults[N]) => void;
  onError?: (error: unknown) => void;
  /** A WebSocket implementation for runtimes without a global one (Node 20: `import WebSocket from 'ws'`). */
  webSocketImpl?: unknown;
}

/** A running subscription; `close()` ends it and its socket. */
export interface Subscription {
  close(): Promise<void>;
  /** Resolves once the server acknowledged the connection (the credential was accepted). */
  ready: Promise<void>;
}

/** Subscribes to one of the gateway's GraphQL subscriptions over graphql-ws. */
export function subscribe<N extends SubscriptionName>(options: SubscribeOptions<N>): Subscription {
  let acknowledge!: () => void;
  let fail!: (error: unknown) => void;
  const ready = new Promise<void>((resolve, reject) => ((acknowledge = resolve), (fail = reject)));
  ready.catch(() => {});
  const client: WsClient = createWsClient({
    url: options.baseUrl.replace(/\/+$/, '').replace(/^http/, 'ws') + '/graphql',
    webSocketImpl: options.webSocketImpl,
    connectionParams: async () => ({
      authorization: `Bearer ${typeof options.credential === 'function' ? await options.credential() : options.credential}`,
    }),
    lazy: false,
    retryAttempts: 0,
    on: { connected: () => acknowledge(), closed: (event) => fail(event), error: (error) => fail(error) },
  });
  const variableDefinitions =
    options.subscription === 'messageReceived' ? '($identityId: ID!, $conversationId: ID)' : '($identityId: ID!)';
  const argumentList =
    options.subscription === 'messageReceived'
      ? '(identityId: $identityId, conversationId: $conversationId)'
      : '(identityId: $identityId)';
  const query = `subscription ${variableDefinitions} { ${options.subscription}${argumentList} { ${options.fields ?? DEFAULT_SELECTIONS[options.subscription]} } }`;
  const dispose = client.subscribe<Record<N, SubscriptionResults[N]>>(
    { query, variables: options.variables as unknown as Record<string, unknown> },
    {
      next: (result) => {
        if (result.errors?.length) options.onError?.(result.errors);
        else if (result.data) options.onEvent(result.data[options.subscription]);
      },
      error: (error) => options.onError?.(error),
      complete: () => {},
    },
  );
  return {
    ready,
    async close() {
      dispose();
      await client.dispose();
    },
  };
}
