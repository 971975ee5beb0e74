import { useState, type FormEvent } from 'react';
import { mailroom } from '../api/client.js';
import { startSession } from '../components/admin-role.js';
import { logOut } from '../auth/session.js';
import { ConfirmButton } from '../components/confirm.js';
import { ErrorBanner } from '../components/feedback.js';
import { PageHeader } from '../components/layout.js';
import { navigate, useTitle } from '../lib/router.js';
import { useAction } from '../lib/use-resource.js';

function ChangePasswordForm() {
  const [currentPassword, setCurrentPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [saved, setSaved] = useState(false);
  const change = useAction(async () => {
    // Every session of this admin ends; the answer is the fresh one this tab continues with.
    startSession(await mailroom.POST('/v1/admin/password', { body: { currentPassword, newPassword } }));
    return true;
  });
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    if (await change.run()) {
      setCurrentPassword('');
      setNewPassword('');
      setSaved(true);
    }
  };
  return (
    <form className="panel form" onSubmit={(e) => void submit(e)} aria-labelledby="password-title">
      <h2 id="password-title">Change your password</h2>
      <p className="muted">Your other sessions (other browsers and tabs) end; this one continues.</p>
      <ErrorBanner message={change.error} />
      {saved && (
        <div className="banner banner-ok" role="status">
          Password changed. Other sessions have ended.
        </div>
      )}
      <div className="form-row">
        <label className="field">
          <span>Current password</span>
          <input
            type="password"
            autoComplete="current-password"
            required
            value={currentPassword}
            onChange={(e) => setCurrentPassword(e.target.value)}
          />
        </label>
        <label className="field">
          <span>New password</span>
          <input
            type="password"
            autoComplete="new-password"
            required
            minLength={12}
            aria-describedby="account-new-password-hint"
            value={newPassword}
            onChange={(e) => setNewPassword(e.target.value)}
          />
          <small id="account-new-password-hint">At least 12 characters.</small>
        </label>
      </div>
      <button type="submit" className="button" disabled={change.pending}>
        {change.pending ? 'Saving…' : 'Change password'}
      </button>
    </form>
  );
}

/** Leaving deletes this admin's account in the tenant and ends its sessions; the last owner is refused (409). */
function LeaveTenant() {
  const leave = useAction(async () => {
    await mailroom.POST('/v1/admin/leave');
    // The account is gone: forget the session here too and go to the login page.
    await logOut().catch(() => undefined);
    navigate('/login', { replace: true });
    return true;
  });
  return (
    <section className="panel" aria-labelledby="leave-title">
      <h2 id="leave-title">Leave this tenant</h2>
      <p className="muted">
        Your admin account in this tenant is deleted and every session of it ends. The tenant, its identities and the
        other admins stay. If you are the only owner, make another admin owner on the Team page first.
      </p>
      <ErrorBanner message={leave.error} />
      <ConfirmButton
        label="Leave tenant"
        title="Leave this tenant?"
        confirmLabel="Leave tenant"
        onConfirm={() => leave.run()}
        disabled={leave.pending}
        forViewersToo
      >
        <p>
          You will be signed out and can no longer log in to this tenant. To come back, an owner or admin has to invite
          you again.
        </p>
      </ConfirmButton>
    </section>
  );
}

export function AccountPage() {
  useTitle('Your account');
  return (
    <>
      <PageHeader title="Your account">
        <p>Settings of your own admin login.</p>
      </PageHeader>
      <ChangePasswordForm />
      <LeaveTenant />
    </>
  );
}
