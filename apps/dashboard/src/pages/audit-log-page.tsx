import { useState, type FormEvent } from 'react';
import type { operations, Schema } from '@mailroom/client';
import { mailroom } from '../api/client.js';
import { AsyncSection, EmptyState, LoadMore } from '../components/feedback.js';
import { PageHeader } from '../components/layout.js';
import { formatDateTime, shortId } from '../lib/format.js';
import { useTitle } from '../lib/router.js';
import { usePagedList } from '../lib/use-paged-list.js';
import { useResource } from '../lib/use-resource.js';

type AuditItem = Schema<'AuditItemResponse'>;
/** The API's query parameters: a filter renamed in the gateway fails the type check here. */
type AuditQuery = NonNullable<operations['listAuditLog']['parameters']['query']>;

interface Filters {
  actorType: string;
  actorId: string;
  action: string;
  /** `datetime-local` values, in the browser's time zone. */
  from: string;
  to: string;
}

const NO_FILTERS: Filters = { actorType: '', actorId: '', action: '', from: '', to: '' };

const ACTOR_TYPES = [
  { value: 'admin', label: 'Admins' },
  { value: 'api_key', label: 'API keys' },
  { value: 'identity', label: 'Identities' },
  { value: 'system', label: 'Mailroom (system)' },
];

// Suggestions only: the field takes any action, or a resource prefix such as `webhook.*`.
const KNOWN_ACTIONS = [
  'admin.*',
  'admin.login',
  'admin.login_failed',
  'admin.invited',
  'admin.invitation_accepted',
  'admin.role_changed',
  'admin.removed',
  'admin.left',
  'admin.password_changed',
  'admin.password_reset',
  'api_key.*',
  'api_key.created',
  'api_key.revoked',
  'identity.*',
  'identity.created',
  'identity.deleted',
  'identity.installations_revoked',
  'webhook.*',
  'webhook.created',
  'webhook.updated',
  'webhook.deleted',
  'webhook.disabled',
  'webhook.secret_rotated',
  'webhook.delivery_retried',
  'settings.updated',
  'tenant.signup',
];

function queryOf(filters: Filters, cursor?: string): AuditQuery {
  return {
    limit: 50,
    cursor,
    actorType: (filters.actorType || undefined) as AuditQuery['actorType'],
    actorId: filters.actorId.trim() || undefined,
    action: filters.action.trim() || undefined,
    from: filters.from ? new Date(filters.from).toISOString() : undefined,
    to: filters.to ? new Date(filters.to).toISOString() : undefined,
  };
}

function Metadata({ value }: { value: AuditItem['metadata'] }) {
  if (!value || typeof value !== 'object') return <span className="muted">—</span>;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return <span className="muted">—</span>;
  return (
    <p className="audit-meta">
      {entries.map(([key, v]) => (
        <span key={key}>
          {key}: <code>{typeof v === 'object' ? JSON.stringify(v) : String(v)}</code>{' '}
        </span>
      ))}
    </p>
  );
}

function FilterForm({ applied, onApply }: { applied: Filters; onApply: (filters: Filters) => void }) {
  const [draft, setDraft] = useState(applied);
  const set = (field: keyof Filters) => (event: { target: { value: string } }) =>
    setDraft((d) => ({ ...d, [field]: event.target.value }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onApply(draft);
  };
  const active = Object.values(applied).some(Boolean);
  return (
    <form className="panel form" onSubmit={submit} aria-labelledby="audit-filter-title">
      <h2 id="audit-filter-title">Filter</h2>
      <div className="filters">
        <label className="field">
          <span>Actor</span>
          <select value={draft.actorType} onChange={set('actorType')}>
            <option value="">Anyone</option>
            {ACTOR_TYPES.map((t) => (
              <option key={t.value} value={t.value}>
                {t.label}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Actor id</span>
          <input value={draft.actorId} onChange={set('actorId')} placeholder="admin, key or identity id" />
        </label>
        <label className="field">
          <span>Action</span>
          <input
            list="audit-actions"
            value={draft.action}
            onChange={set('action')}
            placeholder="e.g. api_key.created or admin.*"
          />
          <datalist id="audit-actions">
            {KNOWN_ACTIONS.map((a) => (
              <option key={a} value={a} />
            ))}
          </datalist>
        </label>
        <label className="field">
          <span>From</span>
          <input type="datetime-local" value={draft.from} onChange={set('from')} />
        </label>
        <label className="field">
          <span>Until</span>
          <input type="datetime-local" value={draft.to} onChange={set('to')} />
        </label>
      </div>
      <div className="button-row">
        <button type="submit" className="button">
          Apply filters
        </button>
        {active && (
          <button
            type="button"
            className="button button-secondary"
            onClick={() => {
              setDraft(NO_FILTERS);
              onApply(NO_FILTERS);
            }}
          >
            Clear filters
          </button>
        )}
      </div>
    </form>
  );
}

export function AuditLogPage() {
  useTitle('Audit log');
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const entries = usePagedList(
    (cursor) => mailroom.GET('/v1/audit-log', { params: { query: queryOf(filters, cursor) } }),
    [filters],
  );
  // Admin ids read better as emails; removed admins stay as ids.
  const team = useResource(() => mailroom.GET('/v1/admin/users').catch(() => ({ items: [], nextCursor: null })), []);
  const emailOf = (id: string | null) => team.data?.items.find((m) => m.id === id)?.email;
  const filtered = Object.values(filters).some(Boolean);

  return (
    <>
      <PageHeader title="Audit log">
        <p>Who did what in this tenant, newest first: logins, API keys, identities, webhooks, admins and settings.</p>
      </PageHeader>
      <FilterForm applied={filters} onApply={setFilters} />
      <section className="panel" aria-labelledby="audit-title">
        <h2 id="audit-title">Entries</h2>
        <AsyncSection
          resource={entries}
          loadingLabel="Loading the audit log…"
          isEmpty={(page) => page.items.length === 0}
          empty={
            filtered ? (
              <EmptyState title="No entries match these filters">
                Widen the time range, or clear the filters.
              </EmptyState>
            ) : (
              <EmptyState title="Nothing recorded yet">
                Entries appear here as admins, API keys and identities change things.
              </EmptyState>
            )
          }
        >
          {(page) => (
            <div className="table-wrap">
              <table className="table stack">
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">Actor</th>
                    <th scope="col">Action</th>
                    <th scope="col">Target</th>
                    <th scope="col">Details</th>
                  </tr>
                </thead>
                <tbody>
                  {page.items.map((item) => (
                    <tr key={item.id} data-testid="audit-row" data-action={item.action}>
                      <td data-label="When">{formatDateTime(item.createdAt)}</td>
                      <td data-label="Actor">
                        {item.actor.type}{' '}
                        {item.actor.id && (
                          <code title={item.actor.id}>{emailOf(item.actor.id) ?? shortId(item.actor.id)}</code>
                        )}
                      </td>
                      <td data-label="Action">
                        <code>{item.action}</code>
                      </td>
                      <td data-label="Target">
                        {item.targetType ?? '—'}{' '}
                        {item.targetId && <code title={item.targetId}>{shortId(item.targetId)}</code>}
                      </td>
                      <td data-label="Details">
                        <Metadata value={item.metadata} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </AsyncSection>
        <LoadMore list={entries} />
      </section>
    </>
  );
}
