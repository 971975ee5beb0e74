import { useEffect, useRef, type ReactNode } from 'react';
import { logOut, signedInEmail } from '../auth/session.js';
import { Link, navigate, usePath } from '../lib/router.js';

const NAV = [
  { to: '/', label: 'Overview' },
  { to: '/api-keys', label: 'API keys' },
  { to: '/identities', label: 'Identities' },
  { to: '/webhooks', label: 'Webhooks' },
  { to: '/team', label: 'Team' },
  { to: '/audit-log', label: 'Audit log' },
  { to: '/settings', label: 'Settings' },
];

function isActive(path: string, to: string): boolean {
  return to === '/' ? path === '/' : path === to || path.startsWith(`${to}/`);
}

/** The signed-in frame: skip link, navigation, and a main region that takes focus on page change. */
export function Layout({ children }: { children: ReactNode }) {
  const path = usePath();
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);

  useEffect(() => {
    // On phones the navigation scrolls sideways: keep the current page's tab in view.
    document.querySelector('.nav-link.active')?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    if (first.current) {
      first.current = false;
      return;
    }
    main.current?.focus();
  }, [path]);

  const signOut = async () => {
    await logOut().catch(() => undefined);
    navigate('/login', { replace: true });
  };

  return (
    <div className="shell">
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/" className="brand">
          Mailroom <span className="brand-sub">admin</span>
        </Link>
        <nav aria-label="Main" className="nav">
          <ul>
            {NAV.map((item) => (
              <li key={item.to}>
                <Link to={item.to} className={isActive(path, item.to) ? 'nav-link active' : 'nav-link'}>
                  {item.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="account">
          <Link to="/account" className="account-email" title="Your account">
            {signedInEmail() ?? 'Your account'}
          </Link>
          <button type="button" className="button button-secondary button-small" onClick={() => void signOut()}>
            Log out
          </button>
        </div>
      </header>
      <main id="main" ref={main} tabIndex={-1} className="main">
        {children}
      </main>
    </div>
  );
}

export function PageHeader({
  title,
  children,
  back,
}: {
  title: string;
  children?: ReactNode;
  back?: { to: string; label: string };
}) {
  return (
    <div className="page-header">
      {back && (
        <Link to={back.to} className="back-link">
          ← {back.label}
        </Link>
      )}
      <h1>{title}</h1>
      {children && <div className="page-intro">{children}</div>}
    </div>
  );
}
