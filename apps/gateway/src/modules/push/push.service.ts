import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import type { TenantScope } from '@mailroom/persistence';
import type { Principal } from '../../common/auth/index.js';
import { DomainError, ErrorCode } from '../../common/errors/index.js';
import { OutboundPolicy, checkedRegistrationUrl } from '../../common/outbound/index.js';
import { AuditService } from '../audit/audit.service.js';
import { IdentitiesService } from '../identities/identities.service.js';
import { IdentityHosting } from '../identities/identity-hosting.js';
import { StreamSupervisor } from '../realtime/stream-supervisor.js';
import { WebhookSecrets } from '../webhooks/webhook-secrets.js';
import { PushEndpointRepository, type PushEndpointRow } from './push-endpoint.repository.js';
import { PUSH_EVENT_TYPE } from './push-outbox.js';

export interface PushEndpointView {
  identityId: string;
  url: string;
  includeContent: boolean;
  enabled: boolean;
  disabledReason: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface PushDeliveryView {
  id: string;
  messageId: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
  succeededAt: string | null;
}

export interface PushTopicsView {
  identityId: string;
  installationId: string;
  /** Where welcomes (new conversations) for this installation arrive: subscribe to learn of new conversations. */
  welcomeTopic: string;
  conversations: { conversationId: string; topic: string; hmacKeys: { epoch: string; key: string }[] }[];
}

/**
 * Push notifications for one identity: the endpoint (a webhook endpoint row under the hood, so signing, retries and
 * the delivery log are the webhooks'), its delivery log, and the topics and HMAC keys for tenants that run their own
 * XMTP push server.
 */
@Injectable()
export class PushService {
  private readonly logger = new Logger('Push');

  constructor(
    private readonly endpoints: PushEndpointRepository,
    private readonly identities: IdentitiesService,
    private readonly hosting: IdentityHosting,
    private readonly secrets: WebhookSecrets,
    private readonly policy: OutboundPolicy,
    private readonly audit: AuditService,
    private readonly supervisor: StreamSupervisor,
  ) {}

  /** Creates or replaces the endpoint; the signing secret is answered only when the endpoint is new. */
  async put(
    scope: TenantScope,
    actor: Principal,
    identityId: string,
    input: { url: string; includeContent?: boolean },
  ): Promise<PushEndpointView & { secret?: string }> {
    const identity = await this.identities.requireActive(scope, identityId);
    const url = await checkedRegistrationUrl(this.policy, input.url);
    const includeContent = input.includeContent ?? false;
    const existing = await this.endpoints.find(scope, identityId);
    let secret: string | undefined;
    if (existing) {
      await this.endpoints.replace(scope, existing, { url, includeContent });
    } else {
      const endpointId = randomUUID();
      secret = this.secrets.generate();
      await this.endpoints.create(
        scope,
        identityId,
        { id: endpointId, url, events: [PUSH_EVENT_TYPE], ...this.secrets.seal(endpointId, secret) },
        includeContent,
      );
    }
    await this.audit.record(scope, {
      actor,
      action: 'push_endpoint.updated',
      targetType: 'identity',
      targetId: identityId,
      metadata: { url, includeContent },
    });
    // Stream the identity now rather than at the next sweep.
    void this.supervisor
      .ensure(identity, { webhook: true })
      .catch((error: unknown) =>
        this.logger.warn({ identityId, err: String(error) }, 'could not start streaming for push'),
      );
    return { ...(await this.get(scope, identityId)), ...(secret ? { secret } : {}) };
  }

  async get(scope: TenantScope, identityId: string): Promise<PushEndpointView> {
    const row = await this.existing(scope, identityId);
    return {
      identityId,
      url: row.webhookEndpoint.url,
      includeContent: row.includeContent,
      enabled: row.webhookEndpoint.enabled,
      disabledReason: row.webhookEndpoint.disabledReason,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
    };
  }

  async delete(scope: TenantScope, actor: Principal, identityId: string): Promise<void> {
    await this.endpoints.remove(scope, await this.existing(scope, identityId));
    await this.audit.record(scope, {
      actor,
      action: 'push_endpoint.deleted',
      targetType: 'identity',
      targetId: identityId,
      metadata: {},
    });
  }

  /** The newest deliveries to the identity's push endpoint (status, attempts, last answer). */
  async deliveries(scope: TenantScope, identityId: string, limit = 50): Promise<{ items: PushDeliveryView[] }> {
    const rows = await this.endpoints.deliveries(
      scope,
      await this.existing(scope, identityId),
      Math.min(Math.max(limit, 1), 100),
    );
    return {
      items: rows.map((d) => ({
        id: d.id,
        messageId: d.eventId,
        status: d.status as string,
        attempts: d.attempts,
        lastStatusCode: d.lastStatusCode,
        lastError: d.lastError,
        createdAt: d.createdAt.toISOString(),
        succeededAt: d.succeededAt?.toISOString() ?? null,
      })),
    };
  }

  private async existing(scope: TenantScope, identityId: string): Promise<PushEndpointRow> {
    const row = await this.endpoints.find(scope, identityId);
    if (!row) throw new DomainError(ErrorCode.NotFound, `Identity ${identityId} has no push endpoint.`);
    return row;
  }

  /** Conversation topics and HMAC keys (hex), plus the installation's welcome topic. */
  async topics(scope: TenantScope, identityId: string): Promise<PushTopicsView> {
    const row = await this.identities.requireActive(scope, identityId);
    return this.hosting.use(row, async (client) => {
      const conversations = await client.conversations.list();
      const keys = client.conversations.hmacKeys();
      return {
        identityId,
        installationId: client.installationId,
        welcomeTopic: `/xmtp/mls/1/w-${client.installationId}/proto`,
        conversations: conversations.map((conversation) => ({
          conversationId: conversation.id,
          topic: conversation.topic,
          hmacKeys: (keys[conversation.id] ?? []).map((k) => ({
            epoch: k.epoch.toString(),
            key: Buffer.from(k.key).toString('hex'),
          })),
        })),
      };
    });
  }
}
