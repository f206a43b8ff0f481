// The admin settings: inboxes (channels) with their health, per-kind set-up
// forms, the webhook URL and verify token to paste into the provider's
// console, "Test connection", and delete. Secrets are write-only.
import { EmailSetup } from './features/email/EmailSetup';
import { useCallback, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { api } from './api';
import { CHANNEL_KINDS, configFor, healthSummary, kindSpec, webhookURLWarning, type ChannelField, type ChannelKindSpec } from './channels';
import { channelLabel, fullTime } from './format';
import { navigate } from './router';
import { useSession } from './session';
import type { ChannelHealth, ChannelTest, Inbox } from './types';
import { rememberIdentitySecret, WebchatSetup } from './features/webchat/WebchatSetup';
import { ChannelIcon, TopBar } from './ui';
import { MembersPage } from './features/settings/Members';
import { SettingsNav, type SettingsPage } from './features/settings/Nav';
import { TagsPage } from './features/settings/Tags';
import { CannedPage } from './features/canned/CannedPage';
import { TeamsPage } from './features/settings/Teams';
import { TokensPage } from './features/settings/Tokens';
import { WorkspacePage } from './features/settings/Workspace';
import { AuditPage } from './features/settings/Audit';
import { DeletedConversationsPage } from './features/workday/DeletedConversations';
import { AssistantPage } from './features/ai/AssistantPage';
import { KnowledgePage } from './features/ai/KnowledgePage';
import { HoursPage } from './features/hours/HoursPage';
import { InboxHoursPanel } from './features/hours/InboxHours';

/** settingsRoute reads /settings, /settings/inboxes/new and /settings/inboxes/{id}. */
export function settingsRoute(path: string): { page: 'list' } | { page: 'new' } | { page: 'inbox'; id: string } | null {
  if (path === '/settings' || path === '/settings/' || path === '/settings/inboxes') return { page: 'list' };
  if (path === '/settings/inboxes/new') return { page: 'new' };
  const m = /^\/settings\/inboxes\/([^/]+)\/?$/.exec(path);
  return m ? { page: 'inbox', id: decodeURIComponent(m[1]) } : null;
}

/** settingsPage reads the other settings pages' paths (/settings/members…); null when unknown. */
export function settingsPage(path: string): SettingsPage | null {
  const p = path.replace(/\/+$/, '');
  if (settingsRoute(path)) return 'inboxes';
  const m = /^\/settings\/(members|teams|tags|labels|workspace|tokens|audit|deleted|canned|ai|knowledge|hours)$/.exec(p);
  return m ? (m[1] as SettingsPage) : null;
}

const TITLES: Record<SettingsPage, string> = {
  inboxes: 'Inboxes',
  members: 'Members',
  teams: 'Teams',
  tags: 'Tags',
  labels: 'Labels',
  workspace: 'Workspace',
  tokens: 'API tokens',
  audit: 'Audit log',
  deleted: 'Deleted conversations',
  canned: 'Canned replies',
  ai: 'AI assistant',
  knowledge: 'Knowledge base',
  hours: 'Business hours',
};

export function Settings({ path, search }: { path: string; search: string }) {
  const s = useSession();
  const page = settingsPage(path) ?? 'inboxes';
  const route = settingsRoute(path) ?? { page: 'list' as const };
  const admin = s.workspace.role === 'admin';
  const params = new URLSearchParams(search);
  let body;
  if (!admin && page !== 'tokens' && page !== 'canned') {
    body = (
      <section className="panel">
        <h2>Admins only</h2>
        <p className="muted">Only an admin of {s.workspace.name} can change its {TITLES[page].toLowerCase()}.</p>
      </section>
    );
  } else if (page === 'members') {
    body = <MembersPage />;
  } else if (page === 'teams') {
    body = <TeamsPage />;
  } else if (page === 'tags' || page === 'labels') {
    body = <TagsPage key={page} kind={page} />;
  } else if (page === 'workspace') {
    body = <WorkspacePage />;
  } else if (page === 'audit') {
    body = <AuditPage />;
  } else if (page === 'deleted') {
    body = <DeletedConversationsPage />;
  } else if (page === 'canned') {
    body = <CannedPage />;
  } else if (page === 'ai') {
    body = <AssistantPage />;
  } else if (page === 'knowledge') {
    body = <KnowledgePage />;
  } else if (page === 'hours') {
    body = <HoursPage />;
  } else if (page === 'tokens') {
    body = <TokensPage />;
  } else if (route.page === 'new') {
    body = <NewInbox kind={params.get('kind') ?? ''} />;
  } else if (route.page === 'inbox') {
    body = <InboxPage key={route.id} id={route.id} created={params.get('created') === '1'} />;
  } else {
    body = <InboxList />;
  }
  const sub = page === 'inboxes' && route.page !== 'list';
  return (
    <div className="app">
      <TopBar />
      <div className="settings-layout">
        <SettingsNav current={page} admin={admin} />
        <main className={'page page-wide' + (page === 'members' ? ' page-xwide' : '')} aria-labelledby="settings-title">
          <div className="page-head">
            <nav aria-label="Breadcrumb" className="crumbs">
              <a href="/" onClick={(e) => go(e, '/')}>
                ← Inbox
              </a>
              {sub && (
                <>
                  <span aria-hidden="true">/</span>
                  <a href="/settings" onClick={(e) => go(e, '/settings')}>
                    Settings
                  </a>
                </>
              )}
            </nav>
            <h1 id="settings-title">
              {sub ? (route.page === 'new' ? 'New inbox' : 'Inbox') : page === 'inboxes' ? 'Settings' : TITLES[page]}
            </h1>
          </div>
          {body}
        </main>
      </div>
    </div>
  );
}

function go(e: React.MouseEvent, to: string) {
  if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  e.preventDefault();
  navigate(to);
}

// ---- list ------------------------------------------------------------------

function InboxList() {
  const { workspace } = useSession();
  const [inboxes, setInboxes] = useState<Inbox[] | null>(null);
  const [health, setHealth] = useState<Record<string, ChannelHealth | null>>({});
  const [error, setError] = useState('');

  useEffect(() => {
    let live = true;
    api.inboxes(workspace.id).then(
      (p) => {
        if (!live) return;
        const items = p.items ?? [];
        setInboxes(items);
        for (const ib of items) {
          api.inboxHealth(workspace.id, ib.id).then(
            (h) => live && setHealth((x) => ({ ...x, [ib.id]: h })),
            () => live && setHealth((x) => ({ ...x, [ib.id]: null })),
          );
        }
      },
      (err) => live && setError((err as Error).message),
    );
    return () => {
      live = false;
    };
  }, [workspace.id]);

  return (
    <>
      <section className="panel" aria-labelledby="inboxes-heading">
        <div className="panel-head">
          <h2 id="inboxes-heading">Inboxes</h2>
        </div>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        {!inboxes && !error && <p className="muted">Loading inboxes…</p>}
        {inboxes && inboxes.length === 0 && (
          <div className="empty-guide">
            <p>
              No inboxes yet. <strong>Connect your first channel:</strong> an inbox receives your customers’ messages from one channel
              (email, WhatsApp, SMS, your website…). Pick a kind below to set one up.
            </p>
          </div>
        )}
        {inboxes && inboxes.length > 0 && (
          <ul className="inbox-list" aria-label="Inboxes">
            {inboxes.map((ib) => (
              <li key={ib.id} className="inbox-item">
                <ChannelIcon channel={ib.channel} />
                <a href={'/settings/inboxes/' + ib.id} onClick={(e) => go(e, '/settings/inboxes/' + ib.id)} className="inbox-name">
                  {ib.name}
                </a>
                <span className="muted">{channelLabel(ib.channel)}</span>
                <HealthBadge health={ib.id in health ? health[ib.id] : undefined} />
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className="panel" aria-labelledby="add-heading">
        <h2 id="add-heading">Add an inbox</h2>
        <ul className="kind-grid" aria-label="Inbox kinds">
          {CHANNEL_KINDS.map((k) => (
            <li key={k.kind}>
              <a
                className="kind-card"
                href={'/settings/inboxes/new?kind=' + k.kind}
                onClick={(e) => go(e, '/settings/inboxes/new?kind=' + k.kind)}
              >
                <span className="kind-title">
                  <ChannelIcon channel={k.kind} /> {k.label}
                </span>
                <span className="muted">{k.description}</span>
              </a>
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}

/** HealthBadge shows an inbox's health at a glance (undefined: still loading). */
export function HealthBadge({ health }: { health: ChannelHealth | null | undefined }) {
  if (health === undefined) return <span className="health health-loading muted">Checking…</span>;
  const s = healthSummary(health);
  return (
    <span className={'health health-' + s.level} data-level={s.level}>
      <span className="health-dot" aria-hidden="true" />
      {s.label}
    </span>
  );
}

// ---- create ----------------------------------------------------------------

function NewInbox({ kind }: { kind: string }) {
  const { workspace } = useSession();
  const spec = kindSpec(kind);
  if (!spec) {
    return (
      <section className="panel">
        <h2>Unknown kind of inbox</h2>
        <p>
          <a href="/settings" onClick={(e) => go(e, '/settings')}>
            Choose a kind of inbox
          </a>
        </p>
      </section>
    );
  }
  return (
    <InboxForm
      kind={spec.kind}
      onSave={async (input) => {
        const ib = await api.createInbox(workspace.id, { ...input, channel: spec.kind });
        rememberIdentitySecret(ib.id, (ib as { identity_secret?: string }).identity_secret);
        navigate('/settings/inboxes/' + ib.id + '?created=1');
        return '';
      }}
    />
  );
}

interface FormInput {
  name: string;
  config: Record<string, string>;
  fallback_inbox_id?: string | null;
}

/** InboxForm creates (no inbox) or changes an inbox of one kind. */
export function InboxForm({
  kind,
  inbox,
  onSave,
}: {
  kind: string;
  inbox?: Inbox;
  onSave: (input: FormInput) => Promise<string>;
}) {
  const { workspace } = useSession();
  const spec = kindSpec(kind);
  const editing = !!inbox;
  const [name, setName] = useState(inbox?.name ?? '');
  const [values, setValues] = useState<Record<string, string>>(() => {
    const v: Record<string, string> = {};
    for (const f of spec?.fields ?? []) v[f.key] = f.secret ? '' : (inbox?.config?.[f.key] ?? '');
    return v;
  });
  const [fallback, setFallback] = useState(inbox?.fallback_inbox_id ?? '');
  const [others, setOthers] = useState<Inbox[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [ok, setOk] = useState('');
  const formId = useId();

  useEffect(() => {
    let live = true;
    api.inboxes(workspace.id).then(
      (p) => live && setOthers((p.items ?? []).filter((x) => x.id !== inbox?.id)),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [workspace.id, inbox?.id]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError('');
    setFieldErrors({});
    setOk('');
    try {
      const input: FormInput = { name: name.trim(), config: configFor(kind, values, editing) };
      if (editing || fallback) input.fallback_inbox_id = fallback;
      const msg = await onSave(input);
      if (msg) setOk(msg);
      // Secrets are write-only: once saved they are not shown again.
      setValues((v) => {
        const out = { ...v };
        for (const f of spec?.fields ?? []) if (f.secret) out[f.key] = '';
        return out;
      });
    } catch (err) {
      const problem = (err as { problem?: { detail?: string; errors?: { location?: string; message?: string }[] } }).problem;
      const { fields, summary } = splitFieldErrors(problem, spec, (err as Error).message);
      setFieldErrors(fields);
      setError(summary);
    } finally {
      setBusy(false);
    }
  }

  if (!spec) return null;
  const field = (f: ChannelField) => {
    const id = `${formId}-${f.key}`;
    const helpId = id + '-help';
    const isSet = editing && f.secret && (f.required || f.generated);
    const fe = fieldErrors[f.key];
    return (
      <div className="field" key={f.key}>
        <label htmlFor={id}>
          {f.label}
          {f.required && !editing && <span className="req"> (required)</span>}
          {f.secret && (
            <span className={'tag ' + (isSet ? 'tag-set' : 'tag-secret')} data-testid={'secret-' + f.key}>
              {isSet ? 'Set' : 'Write-only'}
            </span>
          )}
        </label>
        {f.type === 'multiline' ? (
          <textarea
            id={id}
            name={f.key}
            rows={4}
            spellCheck={false}
            required={f.required && !(editing && f.secret)}
            placeholder={f.secret && editing ? (isSet ? 'Saved — paste a new value to replace it' : 'Not shown — paste a value to replace it') : f.placeholder}
            value={values[f.key] ?? ''}
            onChange={(e) => setValues((v) => ({ ...v, [f.key]: e.target.value }))}
            aria-describedby={f.help || fe ? helpId : undefined}
            aria-invalid={fe ? true : undefined}
          />
        ) : f.type === 'email-inbox' ? (
          <select
            id={id}
            name={f.key}
            value={values[f.key] ?? ''}
            onChange={(e) => setValues((v) => ({ ...v, [f.key]: e.target.value }))}
            aria-describedby={helpId}
            aria-invalid={fe ? true : undefined}
          >
            <option value="">None</option>
            {others
              .filter((o) => o.channel === 'email')
              .map((o) => (
                <option key={o.id} value={o.id}>
                  {o.name}
                </option>
              ))}
          </select>
        ) : (
          <input
            id={id}
            name={f.key}
            type={f.secret ? 'password' : f.type === 'url' ? 'url' : 'text'}
            inputMode={f.type === 'tel' ? 'tel' : undefined}
            autoComplete={f.secret ? 'new-password' : 'off'}
            spellCheck={false}
            required={f.required && !(editing && f.secret)}
            pattern={f.pattern}
            placeholder={
              f.secret && editing ? (isSet ? 'Saved — type a new value to replace it' : 'Not shown — type a value to replace it') : f.placeholder
            }
            value={values[f.key] ?? ''}
            onChange={(e) => setValues((v) => ({ ...v, [f.key]: e.target.value }))}
            aria-describedby={f.help || fe ? helpId : undefined}
            aria-invalid={fe ? true : undefined}
          />
        )}
        {(f.help || fe) && (
          <span id={helpId} className={fe ? 'field-help form-error' : 'field-help muted'}>
            {fe || f.help}
          </span>
        )}
      </div>
    );
  };

  return (
    <section className="panel" aria-labelledby={formId + '-title'}>
      <h2 id={formId + '-title'} className="with-icon">
        <ChannelIcon channel={spec.kind} /> {editing ? 'Settings' : `${spec.label} inbox`}
      </h2>
      <form className="form" onSubmit={submit} aria-labelledby={formId + '-title'}>
        <div className="field">
          <label htmlFor={formId + '-name'}>Name{!editing && <span className="req"> (required)</span>}</label>
          <input
            id={formId + '-name'}
            name="name"
            required
            maxLength={200}
            value={name}
            placeholder={spec.label + ' support'}
            onChange={(e) => setName(e.target.value)}
            aria-invalid={fieldErrors.name ? true : undefined}
            aria-describedby={fieldErrors.name ? formId + '-name-help' : undefined}
          />
          {fieldErrors.name && (
            <span id={formId + '-name-help'} className="field-help form-error">
              {fieldErrors.name}
            </span>
          )}
        </div>
        {spec.fields.map(field)}
        {spec.kind !== 'api' && (
          <div className="field">
            <label htmlFor={formId + '-fallback'}>Fallback inbox</label>
            <select id={formId + '-fallback'} value={fallback} onChange={(e) => setFallback(e.target.value)} aria-describedby={formId + '-fallback-help'}>
              <option value="">None</option>
              {others.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.name} ({channelLabel(o.channel)})
                </option>
              ))}
            </select>
            <span id={formId + '-fallback-help'} className="field-help muted">
              A reply that fails for good here is resent there, when the customer can be reached on it.
            </span>
          </div>
        )}
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
        <div>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Saving…' : editing ? 'Save changes' : 'Create inbox'}
          </button>
        </div>
      </form>
    </section>
  );
}

// ---- one inbox --------------------------------------------------------------

function InboxPage({ id, created }: { id: string; created: boolean }) {
  const { workspace } = useSession();
  const [inbox, setInbox] = useState<Inbox | null>(null);
  const [error, setError] = useState('');

  useEffect(() => {
    let live = true;
    api.inbox(workspace.id, id).then(
      (ib) => live && setInbox(ib),
      (err) => live && setError((err as Error).message),
    );
    return () => {
      live = false;
    };
  }, [workspace.id, id]);

  if (error) {
    return (
      <section className="panel">
        <p className="form-error" role="alert">
          {error}
        </p>
      </section>
    );
  }
  if (!inbox) {
    return (
      <section className="panel">
        <p className="muted">Loading inbox…</p>
      </section>
    );
  }
  return (
    <>
      <section className="panel" aria-labelledby="inbox-title">
        <h2 id="inbox-title" className="with-icon inbox-title">
          <ChannelIcon channel={inbox.channel} /> {inbox.name} <span className="muted">· {channelLabel(inbox.channel)}</span>
        </h2>
        {created && (
          <p className="form-ok" role="status">
            The inbox was created. {kindSpec(inbox.channel)?.webhook && !kindSpec(inbox.channel)?.autoRegistered ? 'Finish the set-up in the provider’s console with the details below.' : ''}
          </p>
        )}
        <InboxSetup inbox={inbox} />
      </section>
      <HealthPanel inbox={inbox} />
      <InboxForm
        key={inbox.id}
        kind={inbox.channel}
        inbox={inbox}
        onSave={async (input) => {
          const ib = await api.updateInbox(workspace.id, inbox.id, input);
          setInbox(ib);
          return 'Changes saved.';
        }}
      />
      <InboxHoursPanel inboxId={inbox.id} />
      <DeleteInbox inbox={inbox} />
    </>
  );
}

/** InboxSetup shows what to paste into the provider's console. */
export function InboxSetup({ inbox }: { inbox: Inbox }) {
  const spec = kindSpec(inbox.channel);
  const cfg = inbox.config ?? {};
  if (inbox.channel === 'email') return <EmailSetup inbox={inbox} />;
  if (inbox.channel === 'webchat') return <WebchatSetup inbox={inbox} />;
  if (inbox.channel === 'api') {
    const url = inbox.inbound_token ? `${window.location.origin}/api/v1/inbound/${inbox.inbound_token}/messages` : '';
    return (
      <div className="setup" role="group" aria-label="Provider set-up">
        {url ? <CopyField label="Inbound URL" value={url} help="Your system POSTs customers' messages here." /> : null}
        {inbox.callback_secret ? (
          <CopyField label="Callback secret" value={inbox.callback_secret} secret help="Check the signature of the replies Parley POSTs to your callback URL." />
        ) : null}
      </div>
    );
  }
  return (
    <div className="setup" role="group" aria-label="Provider set-up">
      {cfg.webhook_url ? (
        <CopyField
          label="Webhook URL"
          value={cfg.webhook_url}
          help={spec?.autoRegistered ? 'Parley registered it with Telegram for you.' : spec?.console ? `Paste it in ${spec.console}.` : undefined}
        />
      ) : (
        <p className="muted">The webhook URL appears once the server knows its public URL (PARLEY_PUBLIC_URL).</p>
      )}
      {cfg.webhook_url && webhookURLWarning(cfg.webhook_url) && (
        <p className="form-error" role="note" data-testid="webhook-url-warning">
          {webhookURLWarning(cfg.webhook_url)}
        </p>
      )}
      {spec?.verifyToken && cfg.verify_token && (
        <CopyField label="Verify token" value={cfg.verify_token} help="Meta asks for it when you subscribe the webhook." />
      )}
      {inbox.channel === 'twilio_sms' && cfg.webhook_url && (
        <p className="muted small">Delivery reports come to the same URL followed by /status; Parley asks for them with each message.</p>
      )}
    </div>
  );
}

/** CopyField is a read-only value with a copy button. */
export function CopyField({ label, value, help, secret }: { label: string; value: string; help?: string; secret?: boolean }) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState('');
  const [shown, setShown] = useState(!secret);
  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setCopied('Copied');
    } catch {
      input.current?.select();
      setCopied('Press Ctrl+C to copy');
    }
    setTimeout(() => setCopied(''), 2500);
  }
  return (
    <div className="field copy-field">
      <label htmlFor={id}>{label}</label>
      <div className="copy-row">
        <input
          id={id}
          ref={input}
          readOnly
          type={shown ? 'text' : 'password'}
          value={value}
          onFocus={(e) => e.currentTarget.select()}
          aria-describedby={help ? id + '-help' : undefined}
          spellCheck={false}
          className="mono"
        />
        {secret && (
          <button type="button" className="btn btn-sm" onClick={() => setShown((s) => !s)} aria-pressed={shown}>
            {shown ? 'Hide' : 'Show'}
          </button>
        )}
        <button type="button" className="btn btn-sm" onClick={copy} aria-label={'Copy ' + label.toLowerCase()}>
          Copy
        </button>
        <span className="copy-status muted" role="status" aria-live="polite">
          {copied}
        </span>
      </div>
      {help && (
        <span id={id + '-help'} className="field-help muted">
          {help}
        </span>
      )}
    </div>
  );
}

/** HealthPanel shows an inbox's channel health and offers "Test connection". */
export function HealthPanel({ inbox }: { inbox: Inbox }) {
  const { workspace } = useSession();
  const [health, setHealth] = useState<ChannelHealth | null | undefined>(undefined);
  const [error, setError] = useState('');
  const [testing, setTesting] = useState(false);
  const [test, setTest] = useState<ChannelTest | null>(null);
  const [testError, setTestError] = useState('');

  const load = useCallback(async () => {
    try {
      setHealth(await api.inboxHealth(workspace.id, inbox.id));
      setError('');
    } catch (err) {
      setHealth(null);
      setError((err as Error).message);
    }
  }, [workspace.id, inbox.id]);

  useEffect(() => {
    load();
    // Traffic changes health; a slow poll keeps the page honest.
    const t = setInterval(load, 15_000);
    return () => clearInterval(t);
  }, [load]);

  async function runTest() {
    setTesting(true);
    setTestError('');
    setTest(null);
    try {
      const t = await api.testInbox(workspace.id, inbox.id);
      setTest(t);
      // A failed test is recorded as the inbox's last error: show it.
      if (!t.ok) await load();
    } catch (err) {
      setTestError((err as Error).message);
    } finally {
      setTesting(false);
    }
  }

  const h = health;
  const when = (s: string | null | undefined) => (s ? <time dateTime={s}>{fullTime(s)}</time> : <span className="muted">Never</span>);
  const rejected = h ? h.rejected_signature + h.rejected_malformed : 0;
  return (
    <section className="panel" aria-labelledby="health-title">
      <div className="panel-head">
        <h2 id="health-title">Channel health</h2>
        <HealthBadge health={health} />
      </div>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {h && (
        <dl className="props health-props" aria-label="Channel health">
          <div className="prop">
            <dt>Last message received</dt>
            <dd data-testid="health-last-inbound">{when(h.last_inbound_at)}</dd>
          </div>
          <div className="prop">
            <dt>Last successful send</dt>
            <dd data-testid="health-last-sent">{when(h.last_sent_at)}</dd>
          </div>
          <div className="prop">
            <dt>Last error</dt>
            <dd data-testid="health-last-error">
              {h.last_error ? (
                <>
                  <span className="error-text">{h.last_error}</span> <span className="muted">({when(h.last_error_at)})</span>
                </>
              ) : (
                <span className="muted">None</span>
              )}
            </dd>
          </div>
          {h.consecutive_failures > 0 && (
            <div className="prop">
              <dt>Failing</dt>
              <dd>
                {h.consecutive_failures} {h.consecutive_failures === 1 ? 'send' : 'sends'} in a row
                {h.failing_since && <> since {when(h.failing_since)}</>}
                {h.alerted_at && <span className="muted"> · admins alerted {fullTime(h.alerted_at)}</span>}
              </dd>
            </div>
          )}
          <div className="prop">
            <dt>Refused webhooks</dt>
            <dd data-testid="health-rejected">
              {rejected === 0 ? (
                <span className="muted">None</span>
              ) : (
                <>
                  {h.rejected_signature} with a bad signature, {h.rejected_malformed} malformed
                  {h.last_rejected_at && (
                    <>
                      {' '}
                      · last {when(h.last_rejected_at)}
                      {h.last_rejection ? `: ${h.last_rejection}` : ''}
                    </>
                  )}
                </>
              )}
            </dd>
          </div>
        </dl>
      )}
      <div className="row gap center-y test-row">
        {inbox.channel !== 'api' && (
          <button type="button" className="btn" onClick={runTest} disabled={testing}>
            {testing ? 'Testing…' : 'Test connection'}
          </button>
        )}
        <button type="button" className="btn btn-ghost btn-sm" onClick={load}>
          Refresh
        </button>
        <span role="status" aria-live="polite" className="test-result">
          {test &&
            (test.ok ? (
              <span className="ok-text">Connected: the provider accepted the credentials ({test.latency_ms} ms).</span>
            ) : (
              <span className="error-text">
                Connection failed{test.status ? ` (HTTP ${test.status})` : ''}: {test.error || 'no reason given'}
              </span>
            ))}
        </span>
      </div>
      {testError && (
        <p className="form-error" role="alert">
          {testError}
        </p>
      )}
    </section>
  );
}

function DeleteInbox({ inbox }: { inbox: Inbox }) {
  const { workspace } = useSession();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  async function del() {
    setBusy(true);
    setError('');
    try {
      await api.deleteInbox(workspace.id, inbox.id);
      navigate('/settings');
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  }
  return (
    <section className="panel panel-danger" aria-labelledby="delete-title">
      <h2 id="delete-title">Delete inbox</h2>
      <p className="muted">Its conversations stay; no new messages arrive through it and replies to them cannot be sent.</p>
      {confirming ? (
        <div className="row gap center-y" role="group" aria-label="Confirm deletion">
          <span>Delete {inbox.name}?</span>
          <button type="button" className="btn btn-danger" onClick={del} disabled={busy}>
            {busy ? 'Deleting…' : 'Yes, delete it'}
          </button>
          <button type="button" className="btn" onClick={() => setConfirming(false)} disabled={busy}>
            Cancel
          </button>
        </div>
      ) : (
        <button type="button" className="btn btn-danger-outline" onClick={() => setConfirming(true)}>
          Delete inbox…
        </button>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

/**
 * splitFieldErrors sorts a problem's errors between the form's fields (shown
 * next to each field) and the alert above the button, so that each message is
 * said once: the alert names the fields to check and carries only what no
 * field shows.
 */
export function splitFieldErrors(
  problem: { detail?: string; errors?: { location?: string; message?: string }[] } | undefined | null,
  spec: ChannelKindSpec | undefined,
  fallback: string,
): { fields: Record<string, string>; summary: string } {
  const labels: Record<string, string> = { name: 'Name' };
  for (const f of spec?.fields ?? []) labels[f.key] = f.label;
  const fields: Record<string, string> = {};
  const rest: string[] = [];
  for (const x of problem?.errors ?? []) {
    if (!x.message) continue;
    const key = (x.location ?? '').replace(/^body\./, '').replace(/^config\./, '');
    if (labels[key] && !fields[key]) fields[key] = x.message;
    else if (!rest.includes(x.message)) rest.push(x.message);
  }
  const shown = Object.keys(fields);
  if (shown.length === 0) return { fields, summary: fallback };
  const detail = problem?.detail ?? '';
  const parts: string[] = [];
  // The detail is worth saying when it is not one of the field messages again.
  if (detail && !Object.values(fields).includes(detail) && detail !== 'validation failed') parts.push(detail);
  parts.push(`Check ${shown.map((k) => labels[k]).join(', ')}.`);
  parts.push(...rest.filter((m) => m !== detail));
  return { fields, summary: parts.join(' ') };
}
