import type { ReactNode } from 'react';
import { useSignedIn } from './auth/session.js';
import { EmptyState } from './components/feedback.js';
import { Layout } from './components/layout.js';
import { matchRoute, Link, usePath } from './lib/router.js';
import { AccountPage } from './pages/account-page.js';
import { ApiKeysPage } from './pages/api-keys-page.js';
import { AuditLogPage } from './pages/audit-log-page.js';
import { LoginPage, SignupPage } from './pages/auth-pages.js';
import { ConversationsPage } from './pages/conversations-page.js';
import { IdentitiesPage } from './pages/identities-page.js';
import { IdentityDetailPage } from './pages/identity-detail-page.js';
import { BroadcastPage } from './pages/identity/broadcast-page.js';
import { OverviewPage } from './pages/overview-page.js';
import { SettingsPage } from './pages/settings-page.js';
import { TeamPage } from './pages/team-page.js';
import { WebhookDeliveryPage } from './pages/webhook-delivery-page.js';
import { AcceptInvitationPage, ResetPasswordPage } from './pages/token-link-pages.js';
import { WebhookDetailPage } from './pages/webhook-detail-page.js';
import { WebhooksPage } from './pages/webhooks-page.js';

const ROUTES: { pattern: string; render: (params: Record<string, string>) => ReactNode }[] = [
  { pattern: '/', render: () => <OverviewPage /> },
  { pattern: '/api-keys', render: () => <ApiKeysPage /> },
  { pattern: '/identities', render: () => <IdentitiesPage /> },
  { pattern: '/identities/:id', render: (p) => <IdentityDetailPage key={p.id} id={p.id!} /> },
  {
    pattern: '/identities/:id/broadcasts/:bid',
    render: (p) => <BroadcastPage key={p.bid} identityId={p.id!} broadcastId={p.bid!} />,
  },
  { pattern: '/identities/:id/conversations', render: (p) => <ConversationsPage key={p.id} identityId={p.id!} /> },
  {
    pattern: '/identities/:id/conversations/:cid',
    render: (p) => <ConversationsPage key={p.id} identityId={p.id!} conversationId={p.cid!} />,
  },
  { pattern: '/webhooks', render: () => <WebhooksPage /> },
  { pattern: '/webhooks/:id', render: (p) => <WebhookDetailPage key={p.id} id={p.id!} /> },
  {
    pattern: '/webhooks/:id/deliveries/:did',
    render: (p) => <WebhookDeliveryPage key={p.did} webhookId={p.id!} deliveryId={p.did!} />,
  },
  { pattern: '/settings', render: () => <SettingsPage /> },
  { pattern: '/team', render: () => <TeamPage /> },
  { pattern: '/audit-log', render: () => <AuditLogPage /> },
  { pattern: '/account', render: () => <AccountPage /> },
];

function NotFound() {
  return (
    <EmptyState title="This page does not exist">
      <Link to="/">Go to the overview</Link>
    </EmptyState>
  );
}

export function App() {
  const path = usePath();
  const signedIn = useSignedIn();
  // Links with a one-time token work whether or not someone is signed in in this browser.
  if (path === '/accept-invitation') return <AcceptInvitationPage />;
  if (path === '/reset-password') return <ResetPasswordPage />;
  if (!signedIn) return path === '/signup' ? <SignupPage /> : <LoginPage />;
  for (const route of ROUTES) {
    const params = matchRoute(route.pattern, path);
    if (params) return <Layout>{route.render(params)}</Layout>;
  }
  if (path === '/login' || path === '/signup') return <Layout>{ROUTES[0]!.render({})}</Layout>;
  return (
    <Layout>
      <NotFound />
    </Layout>
  );
}
