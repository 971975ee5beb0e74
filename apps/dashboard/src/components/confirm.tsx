import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { useCanWrite } from './admin-role.js';

/**
 * A button that asks before doing something that cannot be undone, in a modal <dialog>
 * (focus moves into it, Escape cancels, focus returns to the button).
 */
export function ConfirmButton({
  label,
  title,
  children,
  confirmLabel,
  onConfirm,
  disabled,
  className = 'button button-danger',
  forViewersToo = false,
}: {
  label: string;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  onConfirm: () => Promise<unknown> | void;
  disabled?: boolean;
  className?: string;
  /** For the few actions a viewer may take on its own account (leaving the tenant). */
  forViewersToo?: boolean;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const canWrite = useCanWrite();

  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (open && !element.open) element.showModal();
    if (!open && element.open) element.close();
  }, [open]);

  // Escape closes a modal dialog natively; keep the state in step so the button opens it again.
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    const closed = () => setOpen(false);
    element.addEventListener('close', closed);
    return () => element.removeEventListener('close', closed);
  }, []);

  const confirm = async () => {
    setBusy(true);
    try {
      await onConfirm();
    } finally {
      setBusy(false);
      setOpen(false);
    }
  };

  // Every confirmed action changes something: viewers do not get the button, unless it is about themselves.
  if (!canWrite && !forViewersToo) return null;
  return (
    <>
      <button type="button" className={className} onClick={() => setOpen(true)} disabled={disabled}>
        {label}
      </button>
      <dialog ref={dialog} className="dialog" aria-labelledby={titleId}>
        <h2 id={titleId}>{title}</h2>
        <div className="dialog-body">{children}</div>
        <div className="dialog-actions">
          <button type="button" className="button button-secondary" onClick={() => setOpen(false)} autoFocus>
            Cancel
          </button>
          <button type="button" className="button button-danger" onClick={() => void confirm()} disabled={busy}>
            {busy ? 'Working…' : confirmLabel}
          </button>
        </div>
      </dialog>
    </>
  );
}
