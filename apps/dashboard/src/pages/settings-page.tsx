import { useEffect, useState, type FormEvent } from 'react';
import type { Schema } from '@mailroom/client';
import { mailroom } from '../api/client.js';

type TenantSettings = Schema<'SettingsResponse'>;
type AttachmentStore = TenantSettings['attachments']['store']['value'];
/**
 * The PATCH body. docs/api/openapi.json declares the numeric settings of UpdateSettingsDto as `["object","null"]`
 * (a contract bug in the gateway's DTO decorators), so the numbers are typed here until the contract says integer.
 */
type SettingsUpdate = {
  attachments: { store: AttachmentStore | null; maxBytes: number | null; maxFiles: number | null };
  rateLimits: { perCredentialPerMinute: number | null; perTenantPerMinute: number | null };
};
import { AsyncSection, ErrorBanner } from '../components/feedback.js';
import { WriteOnly } from '../components/write-only.js';
import { PageHeader } from '../components/layout.js';
import { formatBytes, formatDateTime } from '../lib/format.js';
import { useTitle } from '../lib/router.js';
import { useAction, useResource } from '../lib/use-resource.js';

const STORE_LABELS: Record<AttachmentStore, string> = {
  filesystem: 'Gateway filesystem',
  s3: 'S3-compatible bucket',
  ipfs: 'IPFS',
};

const MIB = 1024 * 1024;

interface Draft {
  store: AttachmentStore;
  maxMiB: string;
  maxFiles: string;
  perCredential: string;
  perTenant: string;
}

function draftOf(s: TenantSettings): Draft {
  return {
    store: s.attachments.store.value,
    maxMiB: String(Math.round((s.attachments.maxBytes.value / MIB) * 100) / 100),
    maxFiles: String(s.attachments.maxFiles.value),
    perCredential: String(s.rateLimits.perCredentialPerMinute.value),
    perTenant: String(s.rateLimits.perTenantPerMinute.value),
  };
}

function SettingsForm({ settings, onSaved }: { settings: TenantSettings; onSaved: (s: TenantSettings) => void }) {
  const [draft, setDraft] = useState<Draft>(() => draftOf(settings));
  const [saved, setSaved] = useState(false);
  useEffect(() => setDraft(draftOf(settings)), [settings]);
  const save = useAction((body: SettingsUpdate) =>
    mailroom.PATCH('/v1/settings', { body: body as unknown as Schema<'UpdateSettingsDto'> }),
  );
  const set = (field: keyof Draft) => (value: string) => {
    setSaved(false);
    setDraft((d) => ({ ...d, [field]: value }));
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    // A value equal to the operator's default is saved as "use the default", so later changes of it apply here too.
    const own = <T,>(value: T, setting: { default: T }): T | null => (value === setting.default ? null : value);
    const { attachments, rateLimits } = settings;
    const answer = await save.run({
      attachments: {
        store: own(draft.store, attachments.store),
        maxBytes: own(Math.round(Number(draft.maxMiB) * MIB), attachments.maxBytes),
        maxFiles: own(Number(draft.maxFiles), attachments.maxFiles),
      },
      rateLimits: {
        perCredentialPerMinute: own(Number(draft.perCredential), rateLimits.perCredentialPerMinute),
        perTenantPerMinute: own(Number(draft.perTenant), rateLimits.perTenantPerMinute),
      },
    });
    if (answer) {
      setSaved(true);
      onSaved(answer);
    }
  };
  const reset = async () => {
    const answer = await save.run({
      attachments: { store: null, maxBytes: null, maxFiles: null },
      rateLimits: { perCredentialPerMinute: null, perTenantPerMinute: null },
    });
    if (answer) {
      setSaved(true);
      onSaved(answer);
    }
  };

  const { attachments, rateLimits } = settings;
  return (
    <form className="form" onSubmit={(e) => void submit(e)}>
      <ErrorBanner message={save.error} />
      <fieldset className="panel">
        <legend>Attachments</legend>
        <label className="field">
          <span>Store for new attachments</span>
          <select value={draft.store} onChange={(e) => set('store')(e.target.value)}>
            {attachments.store.available.map((store) => (
              <option key={store} value={store}>
                {STORE_LABELS[store]}
                {store === attachments.store.default ? ' (default)' : ''}
              </option>
            ))}
          </select>
          <small>The stores this gateway’s operator configured. Files are encrypted before they are stored.</small>
        </label>
        <div className="form-row">
          <label className="field">
            <span>Largest file (MiB)</span>
            <input
              type="number"
              min={0.01}
              max={attachments.maxBytes.max / MIB}
              step={0.01}
              required
              value={draft.maxMiB}
              onChange={(e) => set('maxMiB')(e.target.value)}
            />
            <small>At most {formatBytes(attachments.maxBytes.max)} (operator limit)</small>
          </label>
          <label className="field">
            <span>Files per message</span>
            <input
              type="number"
              min={1}
              max={20}
              step={1}
              required
              value={draft.maxFiles}
              onChange={(e) => set('maxFiles')(e.target.value)}
            />
            <small>Default {attachments.maxFiles.default}, at most 20</small>
          </label>
        </div>
      </fieldset>
      <fieldset className="panel">
        <legend>Rate limits (requests per minute)</legend>
        <div className="form-row">
          <label className="field">
            <span>Per API key or token</span>
            <input
              type="number"
              min={1}
              max={rateLimits.perCredentialPerMinute.max}
              step={1}
              required
              value={draft.perCredential}
              onChange={(e) => set('perCredential')(e.target.value)}
            />
            <small>At most {rateLimits.perCredentialPerMinute.max} (operator limit)</small>
          </label>
          <label className="field">
            <span>Whole account</span>
            <input
              type="number"
              min={1}
              max={rateLimits.perTenantPerMinute.max}
              step={1}
              required
              value={draft.perTenant}
              onChange={(e) => set('perTenant')(e.target.value)}
            />
            <small>At most {rateLimits.perTenantPerMinute.max} (operator limit)</small>
          </label>
        </div>
      </fieldset>
      <div className="button-row">
        <WriteOnly>
          <button type="submit" className="button" disabled={save.pending}>
            {save.pending ? 'Saving…' : 'Save settings'}
          </button>
          <button
            type="button"
            className="button button-secondary"
            onClick={() => void reset()}
            disabled={save.pending}
          >
            Reset to defaults
          </button>
        </WriteOnly>
        <span role="status" aria-live="polite" className="muted">
          {saved
            ? 'Saved.'
            : settings.updatedAt
              ? `Last changed ${formatDateTime(settings.updatedAt)}`
              : 'Using the defaults.'}
        </span>
      </div>
    </form>
  );
}

export function SettingsPage() {
  useTitle('Settings');
  const settings = useResource(() => mailroom.GET('/v1/settings'), []);
  const [latest, setLatest] = useState<TenantSettings | null>(null);
  return (
    <>
      <PageHeader title="Settings">
        <p>Account-wide limits. Empty fields fall back to what the gateway’s operator configured.</p>
      </PageHeader>
      <AsyncSection resource={settings} loadingLabel="Loading settings…">
        {(s) => <SettingsForm settings={latest ?? s} onSaved={setLatest} />}
      </AsyncSection>
    </>
  );
}
