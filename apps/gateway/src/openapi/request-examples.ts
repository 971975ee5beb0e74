/**
 * Example JSON bodies by operation id, for the operations whose DTOs carry no property examples of their own
 * (set on the request body's media type; DTO examples stay where they are).
 */
const PEER_ADDRESS = '0x4b2f0a8e6c1d3f5a7b9c0e2d4f6a8b0c1d3e5f7a';
const PEER_INBOX = 'b2f4d6e8a0c2e4f6b8d0a2c4e6f8b0d2f4d6e8a0c2e4f6b8d0a2c4e6f8b0d2f4';
const PASSWORD = 'correct horse battery staple';

export const REQUEST_EXAMPLES: Readonly<Record<string, unknown>> = {
  acceptInvitation: { token: 'mri_3q2u…', password: PASSWORD },
  changeAdminRole: { role: 'admin' },
  signup: { tenantName: 'Acme Inc.', email: 'ops@acme.example', password: PASSWORD },
  confirmSignup: { token: 'mrs_9x7w…' },
  login: { email: 'ops@acme.example', password: PASSWORD },
  refreshSession: { refreshToken: 'mrr_5k3j…' },
  logout: { refreshToken: 'mrr_5k3j…' },
  changePassword: { currentPassword: PASSWORD, newPassword: 'another long passphrase' },
  requestPasswordReset: { email: 'ops@acme.example' },
  confirmPasswordReset: { token: 'mrp_8h6g…', newPassword: 'another long passphrase' },
  createIdentity: { label: 'Support bot', externalId: 'user-42' },
  importIdentity: { privateKey: `0x${'1f'.repeat(32)}`, label: 'Imported wallet' },
  mintIdentityToken: { ttlSeconds: 900 },
  completeWalletSignature: { signature: `0x${'ab'.repeat(65)}` },
  revokeWalletInstallations: { installationIds: ['0e1d2c3b4a5968778695a4b3c2d1e0f10e1d2c3b4a5968778695a4b3c2d1e0f1'] },
  canMessage: { identifiers: [PEER_ADDRESS] },
  createDm: { peer: PEER_ADDRESS },
  createGroup: {
    name: 'Support',
    description: 'Customer support',
    members: [PEER_ADDRESS, PEER_INBOX],
    permissions: 'default',
  },
  updateGroup: { name: 'Support (EU)' },
  addMembers: { members: [PEER_ADDRESS] },
  removeMembers: { members: [PEER_INBOX] },
  addAdmins: { members: [PEER_INBOX] },
  removeAdmins: { members: [PEER_INBOX] },
  addSuperAdmins: { members: [PEER_INBOX] },
  removeSuperAdmins: { members: [PEER_INBOX] },
  sendMessage: { content: { type: 'text', text: 'Hello from Mailroom' } },
  setConsent: { entityType: 'conversation', entity: '9a0e5c1f2b3d4e5f60718293a4b5c6d7', state: 'allowed' },
  startBroadcast: {
    recipients: [PEER_ADDRESS, PEER_INBOX],
    content: { type: 'markdown', markdown: 'Our store opens at **9** tomorrow.' },
  },
  setPushEndpoint: { url: 'https://push.example.com/mailroom', includeContent: false },
  updateSettings: { attachments: { maxBytes: 5242880, store: null }, rateLimits: { perCredentialPerMinute: 300 } },
  createApiKey: { name: 'backend', scopes: ['identities', 'messages'] },
  createWebhook: {
    url: 'https://api.example.com/mailroom/webhooks',
    events: ['message.received', 'conversation.created'],
  },
  updateWebhook: { enabled: true, events: ['message.received'] },
  inviteAdmin: { email: 'colleague@acme.example', role: 'admin' },
};

/**
 * Whole-object examples for response schemas (by component name) whose DTOs carry no property examples.
 * Keys must be properties of the schema (the contract test checks); a field added later may be missing here.
 */
export const RESPONSE_EXAMPLES: Readonly<Record<string, Record<string, unknown>>> = {
  AdminUserResponse: {
    id: '2d3e4f50-6172-4839-a4b5-c6d7e8f90a1b',
    email: 'ops@acme.example',
    role: 'owner',
    createdAt: '2026-01-05T09:00:00.000Z',
    lastLoginAt: '2026-01-05T09:05:00.000Z',
  },
  InvitationResponse: {
    id: '3e4f5061-7283-4a5b-b6c7-d8e9f0a1b2c3',
    token: 'mri_3q2u…',
    email: 'colleague@acme.example',
    role: 'admin',
    expiresAt: '2026-01-12T09:00:00.000Z',
  },
  SignupPendingResponse: { status: 'confirmation_sent' },
  WebhookResponse: {
    id: '4f506172-8394-4b5c-c7d8-e9f0a1b2c3d4',
    url: 'https://api.example.com/mailroom/webhooks',
    events: ['message.received', 'conversation.created'],
    enabled: true,
    disabledReason: null,
    disabledAt: null,
    consecutiveFailures: 0,
    createdAt: '2026-01-05T09:00:00.000Z',
    updatedAt: '2026-01-05T09:00:00.000Z',
  },
};
