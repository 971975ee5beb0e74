import {
  ConsentState,
  GroupPermissionsOptions,
  PermissionLevel,
  XmtpDm,
  XmtpGroup,
  type XmtpConversation,
  type XmtpGroupMember,
} from '@mailroom/xmtp';

export type ConsentName = 'allowed' | 'denied' | 'unknown';
export const CONSENT_NAMES: readonly ConsentName[] = ['allowed', 'denied', 'unknown'];

export const consentName = (state: ConsentState): ConsentName =>
  state === ConsentState.Allowed ? 'allowed' : state === ConsentState.Denied ? 'denied' : 'unknown';

export const consentState = (name: ConsentName): ConsentState =>
  name === 'allowed' ? ConsentState.Allowed : name === 'denied' ? ConsentState.Denied : ConsentState.Unknown;

/** A conversation as Mailroom's transports show it. Group-only fields are absent on DMs. */
export type ConversationView = {
  id: string;
  type: 'dm' | 'group';
  /** DMs: the other participant. */
  peerInboxId?: string;
  name?: string;
  description?: string;
  imageUrl?: string;
  permissions?: 'default' | 'admin_only' | 'custom';
  admins?: string[];
  superAdmins?: string[];
  consent: ConsentName;
  /** False once the identity left or was removed from the group. */
  isActive: boolean;
  /** Groups: the identity asked to leave and waits for an admin's client to remove it. */
  pendingRemoval?: boolean;
  addedByInboxId: string;
  createdAt: string;
  createdAtNs: string;
};

export type MemberView = {
  inboxId: string;
  addresses: string[];
  role: 'member' | 'admin' | 'super_admin';
  installationCount: number;
};

const PERMISSIONS = {
  [GroupPermissionsOptions.Default]: 'default',
  [GroupPermissionsOptions.AdminOnly]: 'admin_only',
  [GroupPermissionsOptions.CustomPolicy]: 'custom',
} as const;

export function presentConversation(conversation: XmtpConversation<unknown>): ConversationView {
  const common = {
    id: conversation.id,
    consent: consentName(conversation.consentState()),
    isActive: conversation.isActive,
    addedByInboxId: conversation.addedByInboxId,
    createdAt: new Date(Number(conversation.createdAtNs / 1_000_000n)).toISOString(),
    createdAtNs: conversation.createdAtNs.toString(),
  };
  if (conversation instanceof XmtpDm) return { ...common, type: 'dm', peerInboxId: conversation.peerInboxId };
  const group = conversation as XmtpGroup<unknown>;
  return {
    ...common,
    type: 'group',
    name: group.name,
    description: group.description,
    imageUrl: group.imageUrl,
    permissions: PERMISSIONS[group.permissions().policyType] ?? 'custom',
    admins: group.listAdmins(),
    superAdmins: group.listSuperAdmins(),
    pendingRemoval: group.isPendingRemoval(),
  };
}

export function presentMember(member: XmtpGroupMember): MemberView {
  return {
    inboxId: member.inboxId,
    addresses: member.accountIdentifiers.map((i) => i.identifier),
    role:
      member.permissionLevel === PermissionLevel.SuperAdmin
        ? 'super_admin'
        : member.permissionLevel === PermissionLevel.Admin
          ? 'admin'
          : 'member',
    installationCount: member.installationIds.length,
  };
}
