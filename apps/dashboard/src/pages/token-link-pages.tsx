import { useState, type FormEvent } from 'react';
import { anonymous, mailroom } from '../api/client.js';
import { startSession } from '../components/admin-role.js';
import { ErrorBanner } from '../components/feedback.js';
import { Link, navigate, useTitle } from '../lib/router.js';
import { useAction } from '../lib/use-resource.js';
import { AuthFrame } from './auth-pages.js';

/** The one-time token of a mailed or copied link (`…#token=`); the fragment never reaches a server log. */
function tokenFromFragment(): string {
  return new URLSearchParams(window.location.hash.slice(1)).get('token') ?? '';
}

function NewPasswordField({
  value,
  onChange,
  label = 'New password',
}: {
  value: string;
  onChange: (v: string) => void;
  label?: string;
}) {
  return (
    <label className="field">
      <span>{label}</span>
      <input
        type="password"
        autoComplete="new-password"
        required
        minLength={12}
        aria-describedby="new-password-hint"
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
      <small id="new-password-hint">At least 12 characters.</small>
    </label>
  );
}

function MissingToken({ what }: { what: string }) {
  return (
    <>
      <ErrorBanner
        message={`This ${what} link has no token. Open the full link from the mail or the one you were given.`}
      />
      <p className="auth-switch">
        <Link to="/login">Go to the login page</Link>
      </p>
    </>
  );
}

export function AcceptInvitationPage() {
  useTitle('Accept invitation');
  const [token] = useState(tokenFromFragment);
  const [password, setPassword] = useState('');
  const accept = useAction(async () => {
    const session = await anonymous.POST('/v1/admin/invitations/accept', { body: { token, password } });
    startSession(session);
    // The answer carries no email: find this admin in the team list (the token's `sub` is the admin id).
    const sub = JSON.parse(atob(session.accessToken.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as {
      sub: string;
    };
    const team = await mailroom.GET('/v1/admin/users').catch(() => ({ items: [] }));
    startSession(session, team.items.find((m) => m.id === sub.sub)?.email);
    return true;
  });
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (await accept.run()) navigate('/', { replace: true });
  };
  return (
    <AuthFrame title="Join the team">
      {!token ? (
        <MissingToken what="invitation" />
      ) : (
        <form onSubmit={(e) => void submit(e)} className="form">
          <p className="muted">You were invited to administer a Mailroom tenant. Choose your password to accept.</p>
          <ErrorBanner message={accept.error} />
          <NewPasswordField value={password} onChange={setPassword} label="Password" />
          <button type="submit" className="button" disabled={accept.pending}>
            {accept.pending ? 'Joining…' : 'Accept invitation'}
          </button>
        </form>
      )}
    </AuthFrame>
  );
}

export function ResetPasswordPage() {
  useTitle('Reset password');
  const [token] = useState(tokenFromFragment);
  const [password, setPassword] = useState('');
  const [done, setDone] = useState(false);
  const confirm = useAction(async () => {
    await anonymous.POST('/v1/admin/password-reset/confirm', { body: { token, newPassword: password } });
    return true;
  });
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (await confirm.run()) setDone(true);
  };
  return (
    <AuthFrame title="Choose a new password">
      {done ? (
        <>
          <div className="banner banner-ok" role="status">
            Your password is changed and every session of your account has ended.
          </div>
          <p className="auth-switch">
            <Link to="/login">Log in with the new password</Link>
          </p>
        </>
      ) : !token ? (
        <MissingToken what="password reset" />
      ) : (
        <form onSubmit={(e) => void submit(e)} className="form">
          <ErrorBanner message={confirm.error} />
          <NewPasswordField value={password} onChange={setPassword} />
          <button type="submit" className="button" disabled={confirm.pending}>
            {confirm.pending ? 'Saving…' : 'Set new password'}
          </button>
        </form>
      )}
    </AuthFrame>
  );
}
