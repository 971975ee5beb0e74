import { useState, type FormEvent } from 'react';
import { sessionStore } from '../api/session-store.js';
import { ErrorBanner } from '../components/feedback.js';
import { logIn, signUp } from '../auth/session.js';
import { useAction } from '../lib/use-resource.js';
import { Link, navigate, useTitle } from '../lib/router.js';

export function AuthFrame({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <main className="auth" id="main">
      <div className="auth-card">
        <p className="brand">
          Mailroom <span className="brand-sub">admin</span>
        </p>
        <h1>{title}</h1>
        {children}
      </div>
    </main>
  );
}

export function LoginPage() {
  useTitle('Log in');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const action = useAction(logIn);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await action.run(email, password);
    leaveSignInPages();
  };
  return (
    <AuthFrame title="Log in">
      <form onSubmit={(e) => void submit(e)} className="form">
        <ErrorBanner message={action.error} />
        <label className="field">
          <span>Email</span>
          <input
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </label>
        <label className="field">
          <span>Password</span>
          <input
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        <button type="submit" className="button" disabled={action.pending}>
          {action.pending ? 'Logging in…' : 'Log in'}
        </button>
      </form>
      <p className="auth-switch">
        New to Mailroom? <Link to="/signup">Create an account</Link>
      </p>
    </AuthFrame>
  );
}

export function SignupPage() {
  useTitle('Sign up');
  const [tenantName, setTenantName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const action = useAction(signUp);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await action.run({ tenantName, email, password });
    leaveSignInPages();
  };
  return (
    <AuthFrame title="Create your account">
      <form onSubmit={(e) => void submit(e)} className="form">
        <ErrorBanner message={action.error} />
        <label className="field">
          <span>Organisation name</span>
          <input
            autoComplete="organization"
            required
            maxLength={100}
            value={tenantName}
            onChange={(e) => setTenantName(e.target.value)}
          />
        </label>
        <label className="field">
          <span>Email</span>
          <input
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </label>
        <label className="field">
          <span>Password</span>
          <input
            type="password"
            autoComplete="new-password"
            required
            minLength={12}
            aria-describedby="password-hint"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          <small id="password-hint">At least 12 characters.</small>
        </label>
        <button type="submit" className="button" disabled={action.pending}>
          {action.pending ? 'Creating…' : 'Create account'}
        </button>
      </form>
      <p className="auth-switch">
        Already have an account? <Link to="/login">Log in</Link>
      </p>
    </AuthFrame>
  );
}

/** After signing in on /login or /signup go to the overview; on a deep link, the app re-renders that page. */
function leaveSignInPages(): void {
  if (!sessionStore.hasSession()) return;
  const path = window.location.pathname;
  if (path.endsWith('/login') || path.endsWith('/signup')) navigate('/', { replace: true });
}
