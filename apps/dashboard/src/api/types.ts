// Shapes of the public /v1 API as the dashboard reads them (see ARCHITECTURE.md "REST contract").
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export type ApiKeyScope = 'identities' | 'messages' | 'webhooks' | 'keys';
export const API_KEY_SCOPES: ApiKeyScope[] = ['identities', 'messages', 'webhooks', 'keys'];

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  scopes: ApiKeyScope[];
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface Identity {
  id: string;
  status: 'creating' | 'active' | 'pending_signature' | 'broken' | 'deleted';
  custody: 'custodial' | 'wallet';
  inboxId: string | null;
  address: string;
  installationId: string | null;
  label: string | null;
  externalId: string | null;
  createdAt: string;
  brokenReason?: string;
}

export interface InboxState {
  installations: { id: string; createdAt: string | null; current: boolean }[];
  installationCount: number;
  installationLimit: number;
  identityUpdateCount: number | null;
  identityUpdateLimit: number;
  identifiers: { identifier: string; kind: string }[];
}

export type IdentityDetail = Identity & { inboxState: InboxState | null };

export type Consent = 'allowed' | 'denied' | 'unknown';

export interface Conversation {
  id: string;
  type: 'dm' | 'group';
  peerInboxId?: string;
  name?: string;
  consent: Consent;
  isActive?: boolean;
  createdAt: string;
}

export interface Message {
  id: string;
  conversationId: string;
  senderInboxId: string;
  sentAt: string;
  kind?: 'application' | 'membership_change';
  contentType: { authorityId: string; typeId: string; versionMajor: number; versionMinor: number };
  content: unknown;
  text?: string | null;
  fallback: string | null;
  deliveryStatus: string;
}

export type WebhookEventType = 'message.received' | 'message.sent' | 'conversation.created' | 'consent.updated' | 'installation.budget';
export const WEBHOOK_EVENT_TYPES: WebhookEventType[] = ['message.received', 'message.sent', 'conversation.created', 'consent.updated', 'installation.budget'];

export interface Webhook {
  id: string;
  url: string;
  events: WebhookEventType[];
  enabled: boolean;
  disabledReason: string | null;
  disabledAt: string | null;
  consecutiveFailures: number;
  createdAt: string;
  updatedAt: string;
}

export interface WebhookDelivery {
  id: string;
  eventId: string;
  eventType: string;
  status: 'pending' | 'sending' | 'succeeded' | 'failed';
  attempts: number;
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  lastDurationMs: number | null;
  succeededAt: string | null;
  createdAt: string;
}

export interface Usage {
  window: { from: string; to: string; days: number };
  daily: { day: string; messagesSent: number; messagesReceived: number }[];
  totals: { messagesSent: number; messagesReceived: number };
  identities: { total: number; active: number; broken: number };
  liveClients: number;
  webhooks: { succeeded: number; failed: number; successRate: number | null };
  installationAlerts: { identityId: string; label: string | null; installationCount: number; installationLimit: number; at: string }[];
}

export interface Setting<T> {
  value: T;
  default: T;
  custom: boolean;
}

export type AttachmentStore = 'filesystem' | 's3' | 'ipfs';

export interface TenantSettings {
  attachments: {
    store: Setting<AttachmentStore> & { available: AttachmentStore[] };
    maxBytes: Setting<number> & { max: number };
    maxFiles: Setting<number>;
  };
  rateLimits: { perCredentialPerMinute: Setting<number> & { max: number }; perTenantPerMinute: Setting<number> & { max: number } };
  updatedAt: string | null;
}
