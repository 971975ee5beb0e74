import { useState, type FormEvent } from 'react';
import type { Schema } from '@mailroom/client';
import { mailroom } from '../api/client.js';
import { messageOf } from '../api/problem.js';
import { ConfirmButton } from '../components/confirm.js';
import { AsyncSection, EmptyState, ErrorBanner, LoadMore, StatusBadge } from '../components/feedback.js';
import { PageHeader } from '../components/layout.js';
import { SecretOnce } from '../components/secret-once.js';
import { WriteOnly } from '../components/write-only.js';
import { formatDateTime, formatRelative } from '../lib/format.js';
import { useTitle } from '../lib/router.js';
import { useAction } from '../lib/use-resource.js';
import { usePagedList } from '../lib/use-paged-list.js';

type ApiKey = Schema<'ApiKeyResponse'>;
type CreatedApiKey = Schema<'CreatedApiKeyResponse'>;
type ApiKeyScope = ApiKey['scopes'][number];

// A Record over the API's scope enum: a scope added or renamed in the gateway fails the type check here.
const SCOPE_HELP: Record<ApiKeyScope, string> = {
  identities: 'identities, tokens, installations',
  messages: 'conversations, messages, consent, attachments',
  webhooks: 'webhooks',
  keys: 'API keys, usage, settings, audit log',
};

const API_KEY_SCOPES = Object.keys(SCOPE_HELP) as ApiKeyScope[];

function CreateKeyForm({ onCreated }: { onCreated: (key: CreatedApiKey) => void }) {
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<ApiKeyScope[]>([...API_KEY_SCOPES]);
  const create = useAction((body: { name: string; scopes: ApiKeyScope[] }) => mailroom.POST('/v1/api-keys', { body }));
  const toggle = (scope: ApiKeyScope) =>
    setScopes((s) => (s.includes(scope) ? s.filter((x) => x !== scope) : [...s, scope]));
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const created = await create.run({ name, scopes });
    if (created) {
      setName('');
      onCreated(created);
    }
  };
  return (
    <form className="panel form" onSubmit={(e) => void submit(e)} aria-labelledby="create-key-title">
      <h2 id="create-key-title">Create an API key</h2>
      <ErrorBanner message={create.error} />
      <label className="field">
        <span>Name</span>
        <input
          required
          maxLength={100}
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder="e.g. production backend"
        />
      </label>
      <fieldset className="field">
        <legend>Scopes</legend>
        <div className="checks">
          {API_KEY_SCOPES.map((scope) => (
            <label key={scope} className="check">
              <input type="checkbox" checked={scopes.includes(scope)} onChange={() => toggle(scope)} />
              <span>
                <strong>{scope}</strong> <span className="muted">{SCOPE_HELP[scope]}</span>
              </span>
            </label>
          ))}
        </div>
      </fieldset>
      <button type="submit" className="button" disabled={create.pending || scopes.length === 0}>
        {create.pending ? 'Creating…' : 'Create key'}
      </button>
    </form>
  );
}

export function ApiKeysPage() {
  useTitle('API keys');
  const keys = usePagedList((cursor) => mailroom.GET('/v1/api-keys', { params: { query: { limit: 50, cursor } } }), []);
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const [revokeError, setRevokeError] = useState<string | null>(null);

  const revoke = async (id: string) => {
    setRevokeError(null);
    try {
      await mailroom.DELETE('/v1/api-keys/{id}', { params: { path: { id } } });
    } catch (e) {
      setRevokeError(messageOf(e));
    }
    await keys.reload();
  };

  return (
    <>
      <PageHeader title="API keys">
        <p>
          Your backend calls the API with these keys. A key is shown once, when it is created; only its prefix is kept
          readable.
        </p>
      </PageHeader>
      {created && (
        <SecretOnce label={`New key “${created.name}”`} value={created.key} onDismiss={() => setCreated(null)} />
      )}
      <WriteOnly>
        <CreateKeyForm
          onCreated={(key) => {
            setCreated(key);
            void keys.reload();
          }}
        />
      </WriteOnly>
      <section className="panel" aria-labelledby="keys-title">
        <h2 id="keys-title">Keys</h2>
        <ErrorBanner message={revokeError} />
        <AsyncSection
          resource={keys}
          isEmpty={(page) => page.items.length === 0}
          empty={<EmptyState title="No API keys yet">Create one above to call the API from your backend.</EmptyState>}
        >
          {(page) => (
            <div className="table-wrap">
              <table className="table stack">
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Prefix</th>
                    <th scope="col">Scopes</th>
                    <th scope="col">Created</th>
                    <th scope="col">Last used</th>
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {page.items.map((key) => (
                    <tr key={key.id} data-testid="api-key-row">
                      <td data-label="Name">{key.name}</td>
                      <td data-label="Prefix">
                        <code>{key.prefix}…</code>
                      </td>
                      <td data-label="Scopes">{key.scopes.join(', ')}</td>
                      <td data-label="Created">{formatDateTime(key.createdAt)}</td>
                      <td data-label="Last used">{formatRelative(key.lastUsedAt)}</td>
                      <td data-label="" className="actions">
                        {key.revokedAt ? (
                          <StatusBadge tone="bad">revoked</StatusBadge>
                        ) : (
                          <ConfirmButton
                            label="Revoke"
                            title={`Revoke ${key.name}?`}
                            confirmLabel="Revoke key"
                            className="button button-danger button-small"
                            onConfirm={() => revoke(key.id)}
                          >
                            <p>
                              Calls with <code>{key.prefix}…</code> will answer 401 from now on. This cannot be undone.
                            </p>
                          </ConfirmButton>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </AsyncSection>
        <LoadMore list={keys} />
      </section>
    </>
  );
}
