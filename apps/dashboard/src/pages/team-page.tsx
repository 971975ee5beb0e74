import { useState, type FormEvent } from 'react';
import type { Schema } from '@mailroom/client';
import { mailroom } from '../api/client.js';
import { messageOf } from '../api/problem.js';
import { currentAdminId, useCanWrite } from '../components/admin-role.js';
import { ConfirmButton } from '../components/confirm.js';
import { AsyncSection, EmptyState, ErrorBanner, StatusBadge } from '../components/feedback.js';
import { PageHeader } from '../components/layout.js';
import { SecretOnce } from '../components/secret-once.js';
import { formatDateTime, formatRelative } from '../lib/format.js';
import { BASE, useTitle } from '../lib/router.js';
import { useAction, useResource } from '../lib/use-resource.js';

type AdminUser = Schema<'AdminUserResponse'>;
type Invitation = Schema<'InvitationResponse'>;
type AdminRole = Schema<'InviteAdminDto'>['role'];

// A Record over the API's role enum: a role added or renamed in the gateway fails the type check here.
const ROLE_HELP: Record<AdminRole, string> = {
  owner: 'everything, including owners',
  admin: 'everything except owners',
  viewer: 'reads only',
};
const ADMIN_ROLES = Object.keys(ROLE_HELP) as AdminRole[];

/** The link the invitee opens; the token rides in the fragment, which browsers never send to a server. */
export function invitationLink(token: string): string {
  return `${window.location.origin}${BASE}/accept-invitation#token=${encodeURIComponent(token)}`;
}

function InviteForm({ onInvited }: { onInvited: (invitation: Invitation) => void }) {
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<AdminRole>('admin');
  const invite = useAction((body: { email: string; role: AdminRole }) =>
    mailroom.POST('/v1/admin/invitations', { body }),
  );
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const created = await invite.run({ email, role });
    if (created) {
      setEmail('');
      onInvited(created);
    }
  };
  return (
    <form className="panel form" onSubmit={(e) => void submit(e)} aria-labelledby="invite-title">
      <h2 id="invite-title">Invite an admin</h2>
      <ErrorBanner message={invite.error} />
      <div className="form-row">
        <label className="field">
          <span>Email</span>
          <input
            type="email"
            required
            maxLength={254}
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            placeholder="colleague@example.com"
          />
        </label>
        <label className="field">
          <span>Role</span>
          <select value={role} onChange={(e) => setRole(e.target.value as AdminRole)}>
            {ADMIN_ROLES.map((r) => (
              <option key={r} value={r}>
                {r} ({ROLE_HELP[r]})
              </option>
            ))}
          </select>
        </label>
      </div>
      <button type="submit" className="button" disabled={invite.pending}>
        {invite.pending ? 'Inviting…' : 'Send invitation'}
      </button>
    </form>
  );
}

function InvitationSent({ invitation, onDismiss }: { invitation: Invitation; onDismiss: () => void }) {
  if (invitation.token) {
    return (
      <SecretOnce
        label={`Invitation link for ${invitation.email}`}
        value={invitationLink(invitation.token)}
        onDismiss={onDismiss}
      />
    );
  }
  return (
    <div className="banner banner-ok" role="status">
      <span>
        The invitation was mailed to <strong>{invitation.email}</strong>. It works once, until{' '}
        {formatDateTime(invitation.expiresAt)}.
      </span>
      <button type="button" className="button button-secondary button-small" onClick={onDismiss}>
        OK
      </button>
    </div>
  );
}

function MemberRow({
  member,
  canWrite,
  onChanged,
}: {
  member: AdminUser;
  canWrite: boolean;
  onChanged: (error?: string) => Promise<void>;
}) {
  const isMe = member.id === currentAdminId();
  const changeRole = async (role: AdminRole) => {
    try {
      await mailroom.PATCH('/v1/admin/users/{id}', { params: { path: { id: member.id } }, body: { role } });
      await onChanged();
    } catch (e) {
      await onChanged(messageOf(e));
    }
  };
  const remove = async () => {
    try {
      await mailroom.DELETE('/v1/admin/users/{id}', { params: { path: { id: member.id } } });
      await onChanged();
    } catch (e) {
      await onChanged(messageOf(e));
    }
  };
  return (
    <tr data-testid="member-row" data-email={member.email}>
      <td data-label="Email">
        {member.email} {isMe && <StatusBadge tone="neutral">you</StatusBadge>}
      </td>
      <td data-label="Role">
        {canWrite && !isMe ? (
          <select
            aria-label={`Role of ${member.email}`}
            value={member.role}
            onChange={(e) => void changeRole(e.target.value as AdminRole)}
          >
            {ADMIN_ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        ) : (
          member.role
        )}
      </td>
      <td data-label="Joined">{formatDateTime(member.createdAt)}</td>
      <td data-label="Last login">{formatRelative(member.lastLoginAt)}</td>
      <td data-label="" className="actions">
        {canWrite && !isMe && (
          <ConfirmButton
            label="Remove"
            title={`Remove ${member.email}?`}
            confirmLabel="Remove admin"
            className="button button-danger button-small"
            onConfirm={remove}
          >
            <p>Their sessions end at once and they can no longer sign in to this tenant.</p>
          </ConfirmButton>
        )}
      </td>
    </tr>
  );
}

export function TeamPage() {
  useTitle('Team');
  const canWrite = useCanWrite();
  const members = useResource(() => mailroom.GET('/v1/admin/users'), []);
  const [invitation, setInvitation] = useState<Invitation | null>(null);
  const [rowError, setRowError] = useState<string | null>(null);

  const changed = async (error?: string) => {
    setRowError(error ?? null);
    await members.reload();
  };

  return (
    <>
      <PageHeader title="Team">
        <p>The people who administer this tenant. Owners and admins change things; viewers only read.</p>
      </PageHeader>
      {invitation && <InvitationSent invitation={invitation} onDismiss={() => setInvitation(null)} />}
      {canWrite && <InviteForm onInvited={setInvitation} />}
      <section className="panel" aria-labelledby="members-title">
        <h2 id="members-title">Members</h2>
        <ErrorBanner message={rowError} />
        <AsyncSection
          resource={members}
          isEmpty={(page) => page.items.length === 0}
          empty={<EmptyState title="No admins">Invite a colleague above.</EmptyState>}
        >
          {(page) => (
            <div className="table-wrap">
              <table className="table stack">
                <thead>
                  <tr>
                    <th scope="col">Email</th>
                    <th scope="col">Role</th>
                    <th scope="col">Joined</th>
                    <th scope="col">Last login</th>
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {page.items.map((member) => (
                    <MemberRow key={member.id} member={member} canWrite={canWrite} onChanged={changed} />
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </AsyncSection>
        {page1Hint(members.data?.items.length)}
      </section>
    </>
  );
}

function page1Hint(count: number | undefined) {
  if (count !== 1) return null;
  return (
    <p className="muted small">You are the only admin. Invite a colleague so the tenant is not locked to one login.</p>
  );
}
