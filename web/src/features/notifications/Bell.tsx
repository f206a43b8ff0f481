// The bell in the top bar: the unread count, a list popover whose items open
// their conversation, and a toast with "Open" when a notification arrives live
// (every kind, mentions included: this is the app's one notification toast;
// the last three stay stacked until opened, dismissed or 8 s old).
import { useCallback, useEffect, useRef, useState } from 'react';
import { navigate } from '../../router';
import { useSession } from '../../session';
import { notificationsApi, type AppNotification } from './api';
import { chime, link, onNotification, setBadge, setSoundOn, soundOn } from './bus';

const MAX_TOASTS = 3;

export function Bell() {
  const { workspace } = useSession();
  const [items, setItems] = useState<AppNotification[]>([]);
  const [unread, setUnread] = useState(0);
  const [open, setOpen] = useState(false);
  const [toasts, setToasts] = useState<AppNotification[]>([]);
  const [sound, setSound] = useState(soundOn);
  const root = useRef<HTMLDivElement>(null);
  const seen = useRef(new Set<string>());

  const load = useCallback(async () => {
    try {
      const p = await notificationsApi.list(workspace.id);
      setItems(p.items ?? []);
      setUnread(p.unread ?? 0);
      for (const n of p.items ?? []) seen.current.add(n.id);
    } catch {
      // The bell stays as it was; the next event or focus reloads it.
    }
  }, [workspace.id]);

  useEffect(() => {
    load();
    const onFocus = () => load();
    window.addEventListener('focus', onFocus);
    return () => window.removeEventListener('focus', onFocus);
  }, [load]);

  useEffect(
    () =>
      onNotification((n) => {
        if (n.workspace_id && n.workspace_id !== workspace.id) return;
        // A socket resuming after a disconnect replays what it missed: count each once.
        if (seen.current.has(n.id)) return;
        seen.current.add(n.id);
        setItems((l) => (l.some((x) => x.id === n.id) ? l : [n, ...l].slice(0, 50)));
        setUnread((u) => u + 1);
        setToasts((l) => [...l.filter((x) => x.id !== n.id), n].slice(-MAX_TOASTS));
        if (n.sound && soundOn()) chime();
      }),
    [workspace.id],
  );

  useEffect(() => setBadge(unread), [unread]);

  const newest = toasts.at(-1)?.id;
  useEffect(() => {
    if (!newest) return;
    // Each arrival gives the stack 8 s more; then it clears.
    const t = setTimeout(() => setToasts([]), 8000);
    return () => clearTimeout(t);
  }, [newest]);
  const dismiss = (id: string) => setToasts((l) => l.filter((x) => x.id !== id));

  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    const onDown = (e: MouseEvent) => {
      if (root.current && !root.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('mousedown', onDown);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('mousedown', onDown);
    };
  }, [open]);

  const openItem = async (n: AppNotification) => {
    setOpen(false);
    dismiss(n.id);
    if (!n.read_at) {
      setItems((l) => l.map((x) => (x.id === n.id ? { ...x, read_at: new Date().toISOString() } : x)));
      setUnread((u) => Math.max(0, u - 1));
      notificationsApi.read(n.id).catch(() => {});
    }
    navigate(link(n));
  };

  const readAll = async () => {
    try {
      await notificationsApi.readAll(workspace.id);
      setUnread(0);
      setItems((l) => l.map((x) => (x.read_at ? x : { ...x, read_at: new Date().toISOString() })));
    } catch {
      load();
    }
  };

  return (
    <div className="bell" ref={root}>
      <button
        type="button"
        className="btn btn-ghost btn-sm bell-button"
        aria-haspopup="dialog"
        aria-expanded={open}
        onClick={() => {
          if (!open) load();
          setOpen(!open);
        }}
      >
        <svg className="icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false">
          <path
            d="M8 1.8a4 4 0 0 0-4 4v2.6L2.8 11h10.4L12 8.4V5.8a4 4 0 0 0-4-4zM6.5 12.5a1.5 1.5 0 0 0 3 0"
            fill="none"
            stroke="currentColor"
            strokeWidth="1.3"
            strokeLinejoin="round"
          />
        </svg>
        <span className="sr-only">Notifications</span>
        {unread > 0 && (
          <>
            <span className="sr-only">, </span>
            <span className="bell-count" data-testid="bell-count">
              {unread > 99 ? '99+' : unread}
            </span>
            <span className="sr-only"> unread</span>
          </>
        )}
      </button>
      {open && (
        <div className="bell-popover" role="dialog" aria-label="Notifications">
          <div className="bell-head">
            <strong>Notifications</strong>
            <button type="button" className="btn btn-ghost btn-sm" onClick={readAll} disabled={unread === 0}>
              Mark all read
            </button>
          </div>
          {items.length === 0 ? (
            <p className="muted bell-empty">Nothing yet.</p>
          ) : (
            <ul className="bell-list">
              {items.map((n) => (
                <li key={n.id} className={n.read_at ? 'bell-item' : 'bell-item unread'}>
                  <a
                    href={link(n)}
                    onClick={(e) => {
                      if (e.button !== 0 || e.metaKey || e.ctrlKey) return;
                      e.preventDefault();
                      openItem(n);
                    }}
                  >
                    <span className="bell-text">{n.text}</span>
                    <time className="muted" dateTime={n.created_at}>
                      {new Date(n.created_at).toLocaleString()}
                    </time>
                  </a>
                </li>
              ))}
            </ul>
          )}
          <div className="bell-foot">
            <label className="bell-sound">
              <input
                type="checkbox"
                checked={sound}
                onChange={(e) => {
                  setSound(e.target.checked);
                  setSoundOn(e.target.checked);
                }}
              />{' '}
              Sound
            </label>
            <a
              href="/settings/notifications"
              onClick={(e) => {
                e.preventDefault();
                setOpen(false);
                navigate('/settings/notifications');
              }}
            >
              Preferences
            </a>
          </div>
        </div>
      )}
      {toasts.length > 0 && (
        <div className="toasts">
          {toasts.map((t) => (
            <div key={t.id} className="toast" role="status" aria-live="polite" data-testid="notification-toast">
              <span className="toast-text">{t.text}</span>
              <button type="button" className="btn btn-primary btn-sm" onClick={() => openItem(t)}>
                Open
              </button>
              <button type="button" className="btn btn-ghost btn-sm" aria-label="Dismiss" onClick={() => dismiss(t.id)}>
                ×
              </button>
            </div>
          ))}
        </div>
      )}
    </div>
  );
}
