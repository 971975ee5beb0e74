import { useState } from 'react';

/**
 * A secret the API shows once (an API key, a webhook signing secret): readable, selectable, with a copy
 * button, and a clear note that it will not be shown again.
 */
export function SecretOnce({ label, value, onDismiss }: { label: string; value: string; onDismiss: () => void }) {
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied('yes');
    } catch {
      setCopied('failed');
    }
  };
  return (
    <section className="secret" aria-labelledby="secret-title" data-testid="secret-once">
      <h3 id="secret-title">{label}</h3>
      <p>Copy it now: it is shown only once and cannot be read back later.</p>
      <div className="secret-row">
        <input
          className="secret-value"
          readOnly
          value={value}
          aria-label={label}
          onFocus={(e) => e.currentTarget.select()}
        />
        <button type="button" className="button" onClick={() => void copy()}>
          Copy
        </button>
      </div>
      <p className="secret-status" role="status" aria-live="polite">
        {copied === 'yes'
          ? 'Copied to the clipboard.'
          : copied === 'failed'
            ? 'Copy failed: select the text and copy it yourself.'
            : ''}
      </p>
      <button type="button" className="button button-secondary" onClick={onDismiss}>
        I have saved it
      </button>
    </section>
  );
}
