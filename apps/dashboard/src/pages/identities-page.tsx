import { useState, type FormEvent } from 'react';
import type { Schema } from '@mailroom/client';
import { mailroom } from '../api/client.js';
import { AsyncSection, EmptyState, ErrorBanner, LoadMore, StatusBadge } from '../components/feedback.js';
import { IdentitySearchForm, searchQuery, type IdentitySearch } from '../components/identity-search.js';
import { PageHeader } from '../components/layout.js';
import { WriteOnly } from '../components/write-only.js';
import { formatDateTime, shortId } from '../lib/format.js';
import { Link, navigate, useTitle } from '../lib/router.js';
import { useAction } from '../lib/use-resource.js';
import { usePagedList } from '../lib/use-paged-list.js';

type Identity = Schema<'IdentityResponse'>;

export function identityTone(status: Identity['status']): 'good' | 'bad' | 'warn' | 'neutral' {
  if (status === 'active') return 'good';
  if (status === 'broken' || status === 'deleted') return 'bad';
  return 'warn';
}

function CreateIdentityForm() {
  const [label, setLabel] = useState('');
  const [externalId, setExternalId] = useState('');
  const create = useAction((body: { label?: string; externalId?: string }) =>
    mailroom.POST('/v1/identities', { body }),
  );
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const created = await create.run({ ...(label ? { label } : {}), ...(externalId ? { externalId } : {}) });
    if (created) navigate(`/identities/${created.id}`);
  };
  return (
    <form className="panel form" onSubmit={(e) => void submit(e)} aria-labelledby="create-identity-title">
      <h2 id="create-identity-title">Create an identity</h2>
      <p className="muted">Mailroom generates a wallet, registers its XMTP inbox and hosts one installation of it.</p>
      <ErrorBanner message={create.error} />
      <div className="form-row">
        <label className="field">
          <span>Label</span>
          <input
            maxLength={200}
            value={label}
            onChange={(e) => setLabel(e.target.value)}
            placeholder="e.g. support bot"
          />
        </label>
        <label className="field">
          <span>External id</span>
          <input
            maxLength={200}
            value={externalId}
            onChange={(e) => setExternalId(e.target.value)}
            placeholder="your user id (optional)"
          />
        </label>
      </div>
      <button type="submit" className="button" disabled={create.pending}>
        {create.pending ? 'Creating identity… (registers on the network)' : 'Create identity'}
      </button>
    </form>
  );
}

export function IdentitiesPage() {
  useTitle('Identities');
  const [search, setSearch] = useState<IdentitySearch | null>(null);
  const identities = usePagedList(
    (cursor) => mailroom.GET('/v1/identities', { params: { query: { limit: 50, cursor, ...searchQuery(search) } } }),
    [search],
  );
  return (
    <>
      <PageHeader title="Identities">
        <p>XMTP identities hosted for you: each is one inbox with one Mailroom installation.</p>
      </PageHeader>
      <WriteOnly>
        <CreateIdentityForm />
      </WriteOnly>
      <section className="panel" aria-labelledby="identities-title">
        <h2 id="identities-title">All identities</h2>
        <IdentitySearchForm active={search} onSearch={setSearch} />
        <AsyncSection
          resource={identities}
          isEmpty={(page) => page.items.length === 0}
          empty={
            search ? (
              <EmptyState
                title={`No identity has the ${search.field === 'externalId' ? 'external id' : 'label'} “${search.value}”`}
              >
                The match is exact (case included). Check the value, or search by the other field.
              </EmptyState>
            ) : (
              <EmptyState title="No identities yet">
                Create one above, or with POST /v1/identities from your backend.
              </EmptyState>
            )
          }
        >
          {(page) => (
            <div className="table-wrap">
              <table className="table stack">
                <thead>
                  <tr>
                    <th scope="col">Label</th>
                    <th scope="col">Status</th>
                    <th scope="col">Address</th>
                    <th scope="col">Inbox</th>
                    <th scope="col">Created</th>
                  </tr>
                </thead>
                <tbody>
                  {page.items.map((identity) => (
                    <tr key={identity.id} data-testid="identity-row">
                      <td data-label="Label">
                        <Link to={`/identities/${identity.id}`}>
                          {identity.label ?? identity.externalId ?? shortId(identity.id)}
                        </Link>
                      </td>
                      <td data-label="Status">
                        <StatusBadge tone={identityTone(identity.status)}>{identity.status}</StatusBadge>
                      </td>
                      <td data-label="Address">
                        <code title={identity.address}>{shortId(identity.address)}</code>
                      </td>
                      <td data-label="Inbox">
                        <code title={identity.inboxId ?? ''}>{shortId(identity.inboxId)}</code>
                      </td>
                      <td data-label="Created">{formatDateTime(identity.createdAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </AsyncSection>
        <LoadMore list={identities} />
      </section>
    </>
  );
}
