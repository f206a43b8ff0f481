// Small pieces the settings screens share: an action's busy/error/ok state,
// its result line, in-app links and a two-step delete button.
import { useCallback, useState, type MouseEvent, type ReactNode } from 'react';
import { navigate } from '../../router';

/** useAction runs one async action at a time and keeps its outcome to show. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [ok, setOk] = useState('');
  const run = useCallback(async (fn: () => Promise<string | void>) => {
    setBusy(true);
    setError('');
    setOk('');
    try {
      const msg = await fn();
      setOk(msg || '');
      return true;
    } catch (err) {
      setError((err as Error).message || 'Something went wrong. Try again.');
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, ok, run, setError };
}

/** Result shows an action's error (alert) or success (status). */
export function Result({ error, ok }: { error: string; ok?: string }) {
  return (
    <>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {ok && (
        <p className="form-ok" role="status">
          {ok}
        </p>
      )}
    </>
  );
}

/** go follows an in-app link without reloading the page (plain clicks only). */
export function go(e: MouseEvent, to: string) {
  if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  e.preventDefault();
  navigate(to);
}

/** Link is an in-app link. */
export function Link({ to, children, className }: { to: string; children: ReactNode; className?: string }) {
  return (
    <a href={to} className={className} onClick={(e) => go(e, to)}>
      {children}
    </a>
  );
}

/** ConfirmButton asks "Yes, …?" before running a destructive action. */
export function ConfirmButton({
  label,
  confirm,
  what,
  onConfirm,
  busy,
}: {
  label: string;
  confirm: string;
  what: string;
  onConfirm: () => void;
  busy?: boolean;
}) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button type="button" className="btn btn-sm btn-danger-outline" onClick={() => setAsking(true)} aria-label={`${label} ${what}`}>
        {label}
      </button>
    );
  }
  return (
    <span className="row gap center-y" role="group" aria-label={`Confirm: ${label.toLowerCase()} ${what}`}>
      <button
        type="button"
        className="btn btn-sm btn-danger"
        disabled={busy}
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        {confirm}
      </button>
      <button type="button" className="btn btn-sm" onClick={() => setAsking(false)}>
        Cancel
      </button>
    </span>
  );
}

/** when formats a time for a settings list. */
export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return isNaN(d.getTime()) ? '—' : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
