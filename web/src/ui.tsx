// Small shared pieces: avatars, channel icons, the top bar.
import { useState } from 'react';
import { avatarColor, channelLabel, initials } from './format';
import { navigate } from './router';
import { useSession } from './session';
import type { ConnectionState } from './realtime';
import { Bell } from './features/notifications/Bell';

export function Avatar({
  name,
  url,
  id,
  size = 32,
}: {
  name: string | undefined;
  url?: string;
  id?: string;
  size?: number;
}) {
  const [broken, setBroken] = useState(false);
  const cls = `avatar avatar-${size}`;
  if (url && !broken) {
    return <img className={cls} src={url} alt="" aria-hidden="true" onError={() => setBroken(true)} />;
  }
  return (
    // React sets style through the CSSOM, which a strict CSP (no 'unsafe-inline') allows.
    <span className={cls} aria-hidden="true" style={{ backgroundColor: avatarColor(id || name || '?') }}>
      {initials(name)}
    </span>
  );
}

const ICON_PATHS: Record<string, string> = {
  // Simple 16×16 glyphs.
  whatsapp:
    'M8 1.5a6.5 6.5 0 0 0-5.6 9.8L1.5 14.5l3.3-.9A6.5 6.5 0 1 0 8 1.5zm3.2 9.1c-.1.4-.8.7-1.1.7-.3 0-.6.1-2-.5-1.7-.7-2.7-2.4-2.8-2.5-.1-.1-.7-.9-.7-1.7 0-.8.4-1.2.6-1.4.1-.1.3-.2.4-.2h.3c.1 0 .2 0 .3.3l.5 1.1c0 .1.1.2 0 .3l-.2.3-.2.3c-.1.1-.2.2-.1.4.1.2.5.8 1 1.3.7.6 1.2.8 1.4.9.2.1.3.1.4-.1l.5-.6c.1-.2.3-.1.4-.1l1.1.5c.2.1.3.1.3.2.1.1.1.5-.1.9z',
  email: 'M2 3.5h12a1 1 0 0 1 1 1v7a1 1 0 0 1-1 1H2a1 1 0 0 1-1-1v-7a1 1 0 0 1 1-1zm.5 1.4v.3L8 8.7l5.5-3.5v-.3zM13.5 6.6 8 10.1 2.5 6.6v4.9h11z',
  sms: 'M2.5 2h11A1.5 1.5 0 0 1 15 3.5v7a1.5 1.5 0 0 1-1.5 1.5H6l-3.5 3V12h0A1.5 1.5 0 0 1 1 10.5v-7A1.5 1.5 0 0 1 2.5 2zM4 6.2a.9.9 0 1 0 0 1.8.9.9 0 0 0 0-1.8zm4 0a.9.9 0 1 0 0 1.8.9.9 0 0 0 0-1.8zm4 0a.9.9 0 1 0 0 1.8.9.9 0 0 0 0-1.8z',
  messenger:
    'M8 1C4.1 1 1 3.9 1 7.5c0 2 1 3.8 2.6 5V15l2.4-1.3c.6.2 1.3.3 2 .3 3.9 0 7-2.9 7-6.5S11.9 1 8 1zm.7 8.7L7 7.9 3.6 9.7l3.8-4 1.8 1.8 3.3-1.8z',
  telegram: 'M14.6 2.2 1.5 7.3c-.9.3-.9.9-.2 1.1l3.4 1 1.3 4c.2.5.3.6.7.6.3 0 .5-.1.7-.3l1.6-1.6 3.4 2.5c.6.3 1.1.2 1.2-.6l2.2-10.4c.3-1-.3-1.4-1-1.1zM5.6 9.6l6.7-4.2c.3-.2.6-.1.4.1L7.1 10.6l-.3 2.3z',
  webchat: 'M8 1a7 7 0 1 0 0 14A7 7 0 0 0 8 1zm0 1.5c.8 0 1.8 1.4 2.2 4H5.8C6.2 3.9 7.2 2.5 8 2.5zM2.6 8h2.8c0 1 .1 1.9.3 2.8H3.3A5.5 5.5 0 0 1 2.6 8zm0-1.5A5.5 5.5 0 0 1 5 3.2c-.4.9-.7 2-.8 3.3zm8 0c-.1-1.3-.4-2.4-.8-3.3a5.5 5.5 0 0 1 2.4 3.3zM8 13.5c-.8 0-1.7-1.2-2.1-3.2h4.2c-.4 2-1.3 3.2-2.1 3.2zm2.6-.7c.4-.8.6-1.8.7-2.5h2.1a5.5 5.5 0 0 1-2.8 2.5zM11.6 8c0-.2 0 0 0 0h2.8a5.5 5.5 0 0 1-.1 1.3h-2.8z',
  api: 'M5.3 4.3 1.6 8l3.7 3.7 1-1L3.6 8l2.7-2.7zm5.4 0-1 1L12.4 8l-2.7 2.7 1 1L14.4 8z',
};

export function ChannelIcon({ channel, className }: { channel: string; className?: string }) {
  const key = channel === 'twilio' || channel === 'twilio_sms' ? 'sms' : channel;
  const d = ICON_PATHS[key] ?? ICON_PATHS.api;
  const label = channelLabel(channel);
  return (
    <svg
      className={'channel-icon ch-' + key + (className ? ' ' + className : '')}
      viewBox="0 0 16 16"
      width="14"
      height="14"
      role="img"
      aria-label={label}
    >
      <title>{label}</title>
      <path d={d} fill="currentColor" />
    </svg>
  );
}

export function TopBar({
  connection,
  onHelp,
  children,
}: {
  connection?: ConnectionState;
  onHelp?: () => void;
  children?: React.ReactNode;
}) {
  const s = useSession();
  return (
    <header className="topbar">
      <a
        className="brand"
        href="/"
        onClick={(e) => {
          e.preventDefault();
          navigate('/');
        }}
      >
        <span className="brand-mark" aria-hidden="true">
          P
        </span>
        Parley
      </a>
      {s.workspaces && s.workspaces.length > 1 && s.switchWorkspace ? (
        <WorkspaceSwitcher />
      ) : (
        <span className="ws-name">{s.workspace.name}</span>
      )}
      {children}
      <div className="topbar-right">
        {connection && <ConnectionPill state={connection} />}
        <Bell />
        {onHelp && (
          <button type="button" className="btn btn-ghost btn-sm" onClick={onHelp} aria-keyshortcuts="?">
            Shortcuts <kbd>?</kbd>
          </button>
        )}
        <a
          className="btn btn-ghost btn-sm"
          href="/contacts"
          aria-current={window.location.pathname.startsWith('/contacts') ? 'page' : undefined}
          onClick={(e) => {
            e.preventDefault();
            navigate('/contacts');
          }}
        >
          Contacts
        </a>
        {s.workspace.role === 'admin' ? (
          <a
            className="btn btn-ghost btn-sm"
            href="/settings"
            aria-current={window.location.pathname.startsWith('/settings') ? 'page' : undefined}
            onClick={(e) => {
              e.preventDefault();
              navigate('/settings');
            }}
          >
            Settings
          </a>
        ) : null}
        <a
          className="me-link"
          href="/profile"
          onClick={(e) => {
            e.preventDefault();
            navigate('/profile');
          }}
        >
          <Avatar name={s.user.name} url={s.user.avatar_url} id={s.user.id} size={24} />
          <span>{s.user.name}</span>
        </a>
        <button type="button" className="btn btn-ghost btn-sm" onClick={s.signOut}>
          Sign out
        </button>
      </div>
    </header>
  );
}

/** WorkspaceSwitcher opens another of the user's workspaces (remembered on this browser). */
export function WorkspaceSwitcher() {
  const s = useSession();
  return (
    <label className="ws-switch">
      <select value={s.workspace.id} onChange={(e) => s.switchWorkspace?.(e.target.value)} aria-label="Workspace">
        {(s.workspaces ?? []).map((w) => (
          <option key={w.id} value={w.id}>
            {w.name}
          </option>
        ))}
      </select>
    </label>
  );
}

export function ConnectionPill({ state }: { state: ConnectionState }) {
  const label =
    state === 'open' ? 'Live' : state === 'reconnecting' ? 'Reconnecting…' : state === 'connecting' ? 'Connecting…' : 'Offline';
  return (
    <span className={'conn conn-' + state} role="status" aria-live="polite" data-state={state}>
      <span className="conn-dot" aria-hidden="true" />
      {label}
    </span>
  );
}

/** PaperclipIcon is the attach-files glyph (decorative: the button carries the name). */
export function PaperclipIcon() {
  return (
    <svg className="icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false">
      <path
        d="M10.9 3.3 5 9.2a1.3 1.3 0 0 0 1.8 1.8l5.4-5.4a2.6 2.6 0 0 0-3.7-3.7L3 7.4a3.9 3.9 0 0 0 5.5 5.5l4.6-4.6"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.4"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}

/** FileIcon is a document glyph, marked with the file's kind (decorative). */
export function FileIcon({ contentType, size = 16 }: { contentType: string; size?: number }) {
  const kind = fileKind(contentType);
  return (
    <svg className={'icon file-icon file-icon-' + kind} viewBox="0 0 16 16" width={size} height={size} aria-hidden="true" focusable="false">
      <path d="M4 1.5h5.2L12.5 4.8v9.2a.5.5 0 0 1-.5.5H4a.5.5 0 0 1-.5-.5V2a.5.5 0 0 1 .5-.5z" fill="none" stroke="currentColor" strokeWidth="1.2" strokeLinejoin="round" />
      <path d="M9 1.7V5h3.3" fill="none" stroke="currentColor" strokeWidth="1.2" strokeLinejoin="round" />
      {kind === 'image' && <path d="M5 12l2-2.6 1.4 1.6 1-1.2L11 12z" fill="currentColor" />}
      {kind === 'video' && <path d="M6.5 8.2v3.6l3-1.8z" fill="currentColor" />}
      {kind === 'audio' && <path d="M8.8 7.5v3.2a1.1 1.1 0 1 1-.8-1V7.5h2v1z" fill="currentColor" />}
      {kind === 'document' && <path d="M5.5 8h5M5.5 10h5M5.5 12h3" stroke="currentColor" strokeWidth="1" />}
    </svg>
  );
}

/** fileKind is the family of a content type: image, video, audio or document. */
export function fileKind(contentType: string): 'image' | 'video' | 'audio' | 'document' {
  const t = contentType.split(';')[0].trim().toLowerCase();
  if (t.startsWith('image/')) return 'image';
  if (t.startsWith('video/')) return 'video';
  if (t.startsWith('audio/')) return 'audio';
  return 'document';
}
