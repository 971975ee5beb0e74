import { useState, type FormEvent } from 'react';
import type { Schema } from '@mailroom/client';
import { mailroom } from '../api/client.js';
import { AsyncSection, EmptyState, ErrorBanner, LoadMore, StatusBadge } from '../components/feedback.js';
import { PageHeader } from '../components/layout.js';
import { WriteOnly } from '../components/write-only.js';
import { SecretOnce } from '../components/secret-once.js';
import { formatDateTime } from '../lib/format.js';
import { Link, useTitle } from '../lib/router.js';
import { useAction } from '../lib/use-resource.js';
import { usePagedList } from '../lib/use-paged-list.js';

type Webhook = Schema<'WebhookResponse'>;
type CreatedWebhook = Schema<'CreatedWebhookResponse'>;
type WebhookEventType = Webhook['events'][number];

// Every event type the API offers, in the order shown; a Record, so a type added in the gateway fails the type check.
const EVENT_ORDER: Record<WebhookEventType, number> = {
  'message.received': 0,
  'message.sent': 1,
  'conversation.created': 2,
  'consent.updated': 3,
  'installation.budget': 4,
  'broadcast.completed': 5,
};
const WEBHOOK_EVENT_TYPES = (Object.keys(EVENT_ORDER) as WebhookEventType[]).sort(
  (a, b) => EVENT_ORDER[a] - EVENT_ORDER[b],
);

export function webhookState(w: Webhook): { tone: 'good' | 'bad' | 'warn'; label: string } {
  if (w.enabled)
    return w.consecutiveFailures > 0
      ? { tone: 'warn', label: `failing (${w.consecutiveFailures})` }
      : { tone: 'good', label: 'enabled' };
  return { tone: 'bad', label: w.disabledReason === 'consecutive_failures' ? 'disabled after failures' : 'paused' };
}

export function EventChecklist({
  value,
  onChange,
}: {
  value: WebhookEventType[];
  onChange: (events: WebhookEventType[]) => void;
}) {
  const toggle = (event: WebhookEventType) =>
    onChange(value.includes(event) ? value.filter((e) => e !== event) : [...value, event]);
  return (
    <fieldset className="field">
      <legend>Events</legend>
      <div className="checks">
        {WEBHOOK_EVENT_TYPES.map((event) => (
          <label key={event} className="check">
            <input type="checkbox" checked={value.includes(event)} onChange={() => toggle(event)} />
            <code>{event}</code>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

function CreateWebhookForm({ onCreated }: { onCreated: (webhook: CreatedWebhook) => void }) {
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<WebhookEventType[]>(['message.received']);
  const create = useAction((body: { url: string; events: WebhookEventType[] }) =>
    mailroom.POST('/v1/webhooks', { body }),
  );
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const created = await create.run({ url, events });
    if (created) {
      setUrl('');
      onCreated(created);
    }
  };
  return (
    <form className="panel form" onSubmit={(e) => void submit(e)} aria-labelledby="create-webhook-title">
      <h2 id="create-webhook-title">Add an endpoint</h2>
      <ErrorBanner message={create.error} />
      <label className="field">
        <span>URL</span>
        <input
          type="url"
          required
          maxLength={2048}
          value={url}
          onChange={(e) => setUrl(e.target.value)}
          placeholder="https://api.example.com/mailroom/webhooks"
        />
      </label>
      <EventChecklist value={events} onChange={setEvents} />
      <button type="submit" className="button" disabled={create.pending || events.length === 0}>
        {create.pending ? 'Adding…' : 'Add endpoint'}
      </button>
    </form>
  );
}

export function WebhooksPage() {
  useTitle('Webhooks');
  const webhooks = usePagedList(
    (cursor) => mailroom.GET('/v1/webhooks', { params: { query: { limit: 50, cursor } } }),
    [],
  );
  const [created, setCreated] = useState<CreatedWebhook | null>(null);
  return (
    <>
      <PageHeader title="Webhooks">
        <p>
          Mailroom POSTs events to your endpoints, signed with{' '}
          <code>Mailroom-Signature: v1=HMAC-SHA256(secret, timestamp.body)</code>, and retries failures with backoff.
        </p>
      </PageHeader>
      {created && (
        <div>
          <SecretOnce
            label={`Signing secret for ${created.url}`}
            value={created.secret}
            onDismiss={() => setCreated(null)}
          />
          <p>
            <Link to={`/webhooks/${created.id}`}>Open the new endpoint and its deliveries</Link>
          </p>
        </div>
      )}
      <WriteOnly>
        <CreateWebhookForm
          onCreated={(w) => {
            setCreated(w);
            void webhooks.reload();
          }}
        />
      </WriteOnly>
      <section className="panel" aria-labelledby="webhooks-title">
        <h2 id="webhooks-title">Endpoints</h2>
        <AsyncSection
          resource={webhooks}
          isEmpty={(page) => page.items.length === 0}
          empty={
            <EmptyState title="No webhook endpoints yet">
              Add one above to receive message and consent events.
            </EmptyState>
          }
        >
          {(page) => (
            <div className="table-wrap">
              <table className="table stack">
                <thead>
                  <tr>
                    <th scope="col">URL</th>
                    <th scope="col">Events</th>
                    <th scope="col">State</th>
                    <th scope="col">Created</th>
                  </tr>
                </thead>
                <tbody>
                  {page.items.map((w) => {
                    const state = webhookState(w);
                    return (
                      <tr key={w.id} data-testid="webhook-row">
                        <td data-label="URL">
                          <Link to={`/webhooks/${w.id}`} className="wrap">
                            {w.url}
                          </Link>
                        </td>
                        <td data-label="Events">{w.events.join(', ')}</td>
                        <td data-label="State">
                          <StatusBadge tone={state.tone}>{state.label}</StatusBadge>
                        </td>
                        <td data-label="Created">{formatDateTime(w.createdAt)}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
        </AsyncSection>
        <LoadMore list={webhooks} />
      </section>
    </>
  );
}
