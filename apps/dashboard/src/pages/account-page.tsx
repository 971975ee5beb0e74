import { useState, type FormEvent } from 'react';
import { mailroom } from '../api/client.js';
import { startSession } from '../components/admin-role.js';
import { ErrorBanner } from '../components/feedback.js';
import { PageHeader } from '../components/layout.js';
import { useTitle } from '../lib/router.js';
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

export function AccountPage() {
  useTitle('Your account');
  return (
    <>
      <PageHeader title="Your account">
        <p>Settings of your own admin login.</p>
      </PageHeader>
      <ChangePasswordForm />
    </>
  );
}
