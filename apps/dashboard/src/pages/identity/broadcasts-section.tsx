import { useEffect, useId, useRef, useState, type ChangeEvent } from 'react';
import type { Schema } from '@mailroom/client';
import { mailroom } from '../../api/client.js';
import { ConfirmButton } from '../../components/confirm.js';
import { AsyncSection, EmptyState, ErrorBanner, LoadMore, StatusBadge } from '../../components/feedback.js';
import { WriteOnly } from '../../components/write-only.js';
import { formatDateTime } from '../../lib/format.js';
import { Link, navigate } from '../../lib/router.js';
import { usePagedList } from '../../lib/use-paged-list.js';
import { useAction } from '../../lib/use-resource.js';
import { parseCsv, parsePasted, type RecipientList } from './recipient-list.js';

export type Broadcast = Schema<'BroadcastResponse'>;

const MAX_RECIPIENTS = 10_000;
const POLL_RUNNING_MS = 3000;
const SHOWN_INVALID_LINES = 5;

export function broadcastTone(b: Broadcast): 'good' | 'warn' | 'bad' {
  if (b.status === 'running') return 'warn';
  return b.failed > 0 ? 'bad' : 'good';
}

/** "3 sent · 1 skipped · 0 failed", the same words in the list and the detail. */
export function broadcastSummary(b: Broadcast): string {
  const parts = [`${b.sent} sent`];
  if (b.skipped) parts.push(`${b.skipped} skipped`);
  if (b.failed) parts.push(`${b.failed} failed`);
  if (b.queued) parts.push(`${b.queued} pending`);
  return parts.join(' · ');
}

/** A random key; getRandomValues works where randomUUID does not (a dashboard served over plain HTTP). */
function newIdempotencyKey(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

function RecipientCheck({ list }: { list: RecipientList }) {
  const invalid = list.invalid.length;
  return (
    <div role="status" aria-live="polite" data-testid="recipient-check">
      <p>
        <strong data-testid="recipient-count">
          {list.recipients.length} recipient{list.recipients.length === 1 ? '' : 's'}
        </strong>
        {list.duplicates > 0 && <span className="muted"> ({list.duplicates} repeated, sent once)</span>}
        {list.recipients.length > MAX_RECIPIENTS && (
          <span className="inline-error"> — at most {MAX_RECIPIENTS.toLocaleString()} per broadcast</span>
        )}
      </p>
      {invalid > 0 && (
        <div className="inline-error" data-testid="invalid-lines">
          {invalid} line{invalid === 1 ? ' is' : 's are'} not an address (0x + 40 hex) or inbox id (64 hex) and will be
          left out:
          <ul>
            {list.invalid.slice(0, SHOWN_INVALID_LINES).map((l, i) => (
              <li key={`${l.line}-${i}`}>
                line {l.line}: <code className="wrap">{l.text.slice(0, 80)}</code>
              </li>
            ))}
            {invalid > SHOWN_INVALID_LINES && <li>and {invalid - SHOWN_INVALID_LINES} more</li>}
          </ul>
        </div>
      )}
    </div>
  );
}

/** A new broadcast: recipients pasted or from a CSV file, checked here first, then the message, then a confirmation. */
function StartBroadcastForm({ identityId }: { identityId: string }) {
  const [pasted, setPasted] = useState('');
  const [file, setFile] = useState<{ name: string; list: RecipientList } | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [text, setText] = useState('');
  const fileInput = useRef<HTMLInputElement>(null);
  const pastedHint = useId();
  const fileHint = useId();
  // One key per filled-in form: a retried or double-clicked send starts the broadcast once.
  const idempotencyKey = useRef(newIdempotencyKey());
  const list = file?.list ?? parsePasted(pasted);
  const start = useAction((recipients: string[], message: string) =>
    mailroom.POST('/v1/identities/{id}/broadcasts', {
      params: { path: { id: identityId }, header: { 'Idempotency-Key': idempotencyKey.current } },
      body: { recipients, content: { type: 'text', text: message } },
    }),
  );

  const readFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const chosen = event.target.files?.[0];
    setFileError(null);
    if (!chosen) return setFile(null);
    try {
      setFile({ name: chosen.name, list: parseCsv(await chosen.text()) });
    } catch {
      setFileError(`${chosen.name} could not be read as text.`);
      setFile(null);
    }
  };

  const clearFile = () => {
    setFile(null);
    if (fileInput.current) fileInput.current.value = '';
  };

  const send = async () => {
    const started = await start.run(list.recipients, text);
    if (started) navigate(`/identities/${identityId}/broadcasts/${started.id}`);
  };

  const ready = list.recipients.length > 0 && list.recipients.length <= MAX_RECIPIENTS && text.trim() !== '';
  const preview = text.length > 120 ? `${text.slice(0, 120)}…` : text;
  return (
    <form className="form subsection" onSubmit={(e) => e.preventDefault()} aria-labelledby="start-broadcast-title">
      <h3 id="start-broadcast-title">Start a broadcast</h3>
      <p className="muted">
        One message as a direct message to each recipient. Who is not on XMTP, or whom this identity has denied, is
        skipped.
      </p>
      <ErrorBanner message={start.error} />
      <div className="form-row">
        <div className="field">
          <label className="field">
            <span>Recipients</span>
            <textarea
              rows={5}
              value={pasted}
              onChange={(e) => setPasted(e.target.value)}
              disabled={file !== null}
              placeholder={'0x4b2f0a8e6c1d3f5a7b9c0e2d4f6a8b0c1d3e5f7a\n0x…, 0x…'}
              spellCheck={false}
              aria-describedby={pastedHint}
            />
          </label>
          <small id={pastedHint}>Addresses or inbox ids, one per line or separated by commas.</small>
        </div>
        <div className="field">
          <label className="field">
            <span>Or upload a CSV file</span>
            <input
              ref={fileInput}
              type="file"
              accept=".csv,text/csv,text/plain"
              onChange={(e) => void readFile(e)}
              aria-describedby={fileHint}
            />
          </label>
          <small id={fileHint}>The column named address or inboxId, or else the first column.</small>
          {file && (
            <p>
              Using <strong>{file.name}</strong>{' '}
              <button type="button" className="button button-small button-secondary" onClick={clearFile}>
                Use pasted recipients instead
              </button>
            </p>
          )}
          <ErrorBanner message={fileError} />
        </div>
      </div>
      {(pasted.trim() !== '' || file) && <RecipientCheck list={list} />}
      <label className="field">
        <span>Message</span>
        <textarea rows={3} value={text} onChange={(e) => setText(e.target.value)} maxLength={4000} />
      </label>
      <div className="button-row">
        <ConfirmButton
          label={
            list.recipients.length > 0
              ? `Send to ${list.recipients.length} recipient${list.recipients.length === 1 ? '' : 's'}…`
              : 'Send broadcast…'
          }
          title={`Send this message to ${list.recipients.length} recipient${list.recipients.length === 1 ? '' : 's'}?`}
          confirmLabel="Start broadcast"
          className="button"
          disabled={!ready || start.pending}
          onConfirm={send}
        >
          <blockquote className="wrap">{preview}</blockquote>
          <p>Each recipient gets it as a direct message from this identity. A started broadcast cannot be recalled.</p>
        </ConfirmButton>
      </div>
    </form>
  );
}

/** The identity's broadcasts with their progress, and a form to start one. */
export function BroadcastsSection({ identityId, active }: { identityId: string; active: boolean }) {
  const broadcasts = usePagedList(
    (cursor) =>
      mailroom.GET('/v1/identities/{id}/broadcasts', {
        params: { path: { id: identityId }, query: { limit: 20, cursor } },
      }),
    [identityId],
  );
  // While one runs, its counts in the list move on by themselves.
  const running = broadcasts.data?.items.some((b) => b.status === 'running') ?? false;
  const { reload } = broadcasts;
  useEffect(() => {
    if (!running) return;
    const timer = window.setInterval(() => void reload(), POLL_RUNNING_MS);
    return () => window.clearInterval(timer);
  }, [running, reload]);
  return (
    <section className="panel" aria-labelledby="broadcasts-title">
      <h2 id="broadcasts-title">Broadcasts</h2>
      <AsyncSection
        resource={broadcasts}
        loadingLabel="Loading broadcasts…"
        isEmpty={(page) => page.items.length === 0}
        empty={
          <EmptyState title="No broadcasts yet">
            {active
              ? 'Start one below: paste recipients or upload a CSV file, write the message, and follow its progress.'
              : 'Broadcasts need an active identity.'}
          </EmptyState>
        }
      >
        {(page) => (
          <div className="table-wrap">
            <table className="table stack" aria-label="Broadcasts">
              <thead>
                <tr>
                  <th scope="col">Started</th>
                  <th scope="col">Status</th>
                  <th scope="col">Recipients</th>
                  <th scope="col">Progress</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((b) => (
                  <tr key={b.id} data-testid="broadcast-row" data-status={b.status}>
                    <td data-label="Started">
                      <Link to={`/identities/${identityId}/broadcasts/${b.id}`}>{formatDateTime(b.createdAt)}</Link>
                    </td>
                    <td data-label="Status">
                      <StatusBadge tone={broadcastTone(b)}>{b.status}</StatusBadge>
                    </td>
                    <td data-label="Recipients">{b.total}</td>
                    <td data-label="Progress">{broadcastSummary(b)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </AsyncSection>
      <LoadMore list={broadcasts} />
      {active && (
        <WriteOnly>
          <StartBroadcastForm identityId={identityId} />
        </WriteOnly>
      )}
    </section>
  );
}
