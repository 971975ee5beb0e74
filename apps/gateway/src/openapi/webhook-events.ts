import { MAILROOM_EVENT_TYPES } from '../modules/events/mailroom-event.js';

/** Sent only on request (POST /v1/webhooks/:id/test), to one endpoint; not an event of an identity. */
const TEST_EVENT_TYPE = 'webhook.test';

/** Every `type` a webhook request can carry. */
export const WEBHOOK_EVENT_TYPES: readonly string[] = [...MAILROOM_EVENT_TYPES, TEST_EVENT_TYPE];

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** The `data` of each event type, as schemas (the message and conversation views are the REST response schemas). */
interface EventDescription {
  description: string;
  data: Record<string, unknown>;
  example: Record<string, unknown>;
}

/** Described types; a type missing here gets UNDESCRIBED (the contract test names it). */
const EVENT_DATA: Readonly<Record<string, EventDescription>> = {
  'message.received': {
    description: 'A hosted identity received a message (its id is the XMTP message id, so replays dedupe).',
    data: ref('MessageResponse'),
    example: {
      id: '3f1c0d6e9b2a4c58a1e7d0b94c2f6a13e5d7b8c9a0f1e2d3c4b5a69788796a5b',
      conversationId: '9a0e5c1f2b3d4e5f60718293a4b5c6d7',
      senderInboxId: 'b2f4…peer',
      sentAt: '2026-01-05T09:30:00.000Z',
      sentAtNs: '1767605400000000000',
      kind: 'application',
      contentType: { authorityId: 'xmtp.org', typeId: 'text', versionMajor: 1, versionMinor: 0 },
      content: 'Hello from the peer',
      text: 'Hello from the peer',
      fallback: null,
      encodedContent: null,
      deliveryStatus: 'published',
    },
  },
  'message.sent': {
    description: 'A hosted identity sent a message (through Mailroom or another installation of its inbox).',
    data: ref('MessageResponse'),
    example: {
      id: '7d2e…',
      conversationId: '9a0e5c1f2b3d4e5f60718293a4b5c6d7',
      senderInboxId: 'a1c3…hosted',
      sentAt: '2026-01-05T09:31:00.000Z',
      sentAtNs: '1767605460000000000',
      kind: 'application',
      contentType: { authorityId: 'xmtp.org', typeId: 'markdown', versionMajor: 1, versionMinor: 0 },
      content: '**Thanks!**',
      text: '**Thanks!**',
      fallback: null,
      encodedContent: null,
      deliveryStatus: 'published',
    },
  },
  'conversation.created': {
    description:
      'A conversation of the identity appeared (created by it, or a peer opened a DM or added it to a group).',
    data: {
      allOf: [
        ref('ConversationResponse'),
        { type: 'object', required: ['identityId'], properties: { identityId: { type: 'string', format: 'uuid' } } },
      ],
    },
    example: {
      id: '9a0e5c1f2b3d4e5f60718293a4b5c6d7',
      type: 'dm',
      peerInboxId: 'b2f4…peer',
      consent: 'unknown',
      isActive: true,
      addedByInboxId: 'b2f4…peer',
      createdAt: '2026-01-05T09:29:58.000Z',
      createdAtNs: '1767605398000000000',
      identityId: '5f0c2d9e-8a1b-4c3d-9e8f-7a6b5c4d3e2f',
    },
  },
  'consent.updated': {
    description:
      'Consent of a conversation or an inbox changed (from this gateway or another installation of the inbox).',
    data: {
      type: 'object',
      required: ['entityType', 'entity', 'state'],
      properties: {
        entityType: { type: 'string', enum: ['conversation', 'inbox'] },
        entity: { type: 'string', description: 'The conversation id or the inbox id.' },
        state: { type: 'string', enum: ['allowed', 'denied', 'unknown'] },
      },
    },
    example: { entityType: 'conversation', entity: '9a0e5c1f2b3d4e5f60718293a4b5c6d7', state: 'allowed' },
  },
  'installation.budget': {
    description: "The identity's inbox is close to XMTP's installation limit.",
    data: {
      type: 'object',
      required: ['inboxId', 'installationCount', 'installationLimit'],
      properties: {
        inboxId: { type: 'string' },
        installationCount: { type: 'integer' },
        installationLimit: { type: 'integer' },
      },
    },
    example: { inboxId: 'a1c3…hosted', installationCount: 8, installationLimit: 10 },
  },
  'broadcast.completed': {
    description: 'Every recipient of a broadcast was sent to, skipped or failed.',
    data: {
      type: 'object',
      required: ['broadcastId', 'total', 'sent', 'skipped', 'failed', 'skippedBy'],
      properties: {
        broadcastId: { type: 'string', format: 'uuid' },
        total: { type: 'integer' },
        sent: { type: 'integer' },
        skipped: { type: 'integer' },
        failed: { type: 'integer' },
        skippedBy: {
          type: 'object',
          additionalProperties: { type: 'integer' },
          description: 'Skipped recipients by reason.',
        },
      },
    },
    example: {
      broadcastId: '0c9d8e7f-6a5b-4c3d-2e1f-0a9b8c7d6e5f',
      total: 3,
      sent: 2,
      skipped: 1,
      failed: 0,
      skippedBy: { not_on_xmtp: 1 },
    },
  },
  [TEST_EVENT_TYPE]: {
    description: 'A test event, sent on request (POST /v1/webhooks/:id/test) to one endpoint; `identityId` is null.',
    data: { type: 'object', required: ['webhookId'], properties: { webhookId: { type: 'string', format: 'uuid' } } },
    example: { webhookId: '4f506172-8394-4b5c-c7d8-e9f0a1b2c3d4' },
  },
};

export const UNDESCRIBED_EVENT = 'An event type without a description yet.';
const describe = (type: string): EventDescription =>
  EVENT_DATA[type] ?? {
    description: UNDESCRIBED_EVENT,
    data: { type: 'object', additionalProperties: true },
    example: {},
  };

/** `WebhookEvent.<type>` schema names, e.g. `MessageReceivedEvent`. */
export function eventSchemaName(type: string): string {
  return `${type
    .split(/[._]/)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('')}Event`;
}

/** One schema per event type under components (the envelope with its `data`), and the union of all of them. */
export function webhookEventSchemas(): Record<string, unknown> {
  const schemas: Record<string, unknown> = {};
  for (const type of WEBHOOK_EVENT_TYPES) {
    const { description, data } = describe(type);
    schemas[eventSchemaName(type)] = {
      type: 'object',
      description,
      required: ['id', 'type', 'createdAt', 'tenantId', 'identityId', 'data'],
      properties: {
        id: {
          type: 'string',
          description: 'Stable per fact: the XMTP message id for message events, derived otherwise. Dedupe on it.',
        },
        type: { type: 'string', const: type },
        createdAt: { type: 'string', format: 'date-time' },
        tenantId: { type: 'string', format: 'uuid' },
        identityId: type === TEST_EVENT_TYPE ? { type: 'null' } : { type: 'string', format: 'uuid' },
        data,
      },
    };
  }
  schemas.WebhookEvent = {
    description: 'Any event Mailroom sends to webhooks (and GraphQL subscriptions), told apart by `type`.',
    oneOf: WEBHOOK_EVENT_TYPES.map((type) => ref(eventSchemaName(type))),
    discriminator: {
      propertyName: 'type',
      mapping: Object.fromEntries(
        WEBHOOK_EVENT_TYPES.map((type) => [type, `#/components/schemas/${eventSchemaName(type)}`]),
      ),
    },
  };
  return schemas;
}

const SIGNATURE_HEADERS = {
  'webhook-id': {
    description: 'Standard Webhooks: the event id (same as the body’s `id`); dedupe on it.',
    schema: { type: 'string' },
  },
  'webhook-timestamp': {
    description: 'Standard Webhooks: unix seconds when this attempt was signed.',
    schema: { type: 'integer' },
  },
  'webhook-signature': {
    description:
      'Standard Webhooks: space-separated `v1,<base64 HMAC-SHA256 of "<webhook-id>.<webhook-timestamp>.<raw body>">`, keyed with the base64-decoded part of the secret after `whsec_`; one per valid secret during a rotation. The `standardwebhooks` and `svix` packages verify it.',
    schema: { type: 'string' },
  },
  'mailroom-event-id': { description: 'The event id (same as the body’s `id`).', schema: { type: 'string' } },
  'mailroom-attempt': {
    description: 'Attempt number of this delivery, from 1.',
    schema: { type: 'integer', minimum: 1 },
  },
  'mailroom-timestamp': { description: 'Unix seconds when this attempt was signed.', schema: { type: 'integer' } },
  'mailroom-signature': {
    description:
      'Mailroom scheme, kept for existing receivers: `v1=<hex HMAC-SHA256 of "<timestamp>.<raw body>">` keyed with the endpoint secret; several comma-separated values during a rotation.',
    schema: { type: 'string' },
  },
};

/** The OpenAPI 3.1 `webhooks` section: what Mailroom POSTs to a registered endpoint, one entry per event type. */
export function webhooksSection(): Record<string, unknown> {
  return Object.fromEntries(
    WEBHOOK_EVENT_TYPES.map((type) => [
      type,
      {
        post: {
          operationId: `on${eventSchemaName(type).replace(/Event$/, '')}`,
          summary: describe(type).description,
          tags: ['webhooks'],
          parameters: Object.entries(SIGNATURE_HEADERS).map(([name, header]) => ({
            name,
            in: 'header',
            required: true,
            ...header,
          })),
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: ref(eventSchemaName(type)),
                example: {
                  id: `evt_${type.replace('.', '_')}`,
                  type,
                  createdAt: '2026-01-05T09:30:00.000Z',
                  tenantId: '1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9',
                  identityId: type === TEST_EVENT_TYPE ? null : '5f0c2d9e-8a1b-4c3d-9e8f-7a6b5c4d3e2f',
                  data: describe(type).example,
                },
              },
            },
          },
          responses: {
            '2XX': { description: 'Received. Any other answer (or none within the timeout) is retried with backoff.' },
          },
        },
      },
    ]),
  );
}
