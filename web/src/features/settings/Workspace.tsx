// Workspace settings: its name, what agents may see (agent scope) and when
// a customer's new message joins an open conversation (join mode).
import { useEffect, useState, type FormEvent } from 'react';
import { useSession } from '../../session';
import { settingsApi, type WorkspaceSettings } from './api';
import type { LifecycleSettings } from '../workday/api';
import { EmailPanel } from './Email';
import { Result, useAction } from './shared';

const SCOPES: { value: WorkspaceSettings['agent_scope']; label: string; help: string }[] = [
  { value: 'all', label: 'Every conversation', help: 'Agents see every conversation in the workspace.' },
  { value: 'teams', label: 'Their teams’ conversations', help: 'Agents see conversations of their teams and those assigned to them.' },
  { value: 'assigned', label: 'Only theirs', help: 'Agents see only the conversations assigned to them.' },
];

const JOINS: { value: WorkspaceSettings['join_mode']; label: string; help: string }[] = [
  { value: 'contact', label: 'One conversation per customer', help: 'A new message joins the customer’s open conversation, whatever channel it came through.' },
  { value: 'contact_inbox', label: 'One conversation per customer and inbox', help: 'A message on another inbox starts its own conversation.' },
];

export function WorkspacePage() {
  const s = useSession();
  const [name, setName] = useState('');
  const [settings, setSettings] = useState<WorkspaceSettings | null>(null);
  const load = useAction();
  const save = useAction();
  const { run: runLoad } = load;
  const ws = s.workspace.id;

  useEffect(() => {
    runLoad(async () => {
      const w = await settingsApi.workspace(ws);
      setName(w.name);
      setSettings(w.settings);
    });
  }, [runLoad, ws]);

  function submit(e: FormEvent) {
    e.preventDefault();
    if (!settings) return;
    save.run(async () => {
      const w = await settingsApi.updateWorkspace(ws, { name: name.trim(), settings });
      setName(w.name);
      setSettings(w.settings);
      s.renameWorkspace?.(w.name);
      return 'Workspace settings saved.';
    });
  }

  return (
    <>
    <section className="panel" aria-labelledby="ws-title">
      <h2 id="ws-title">Workspace</h2>
      <Result error={load.error} />
      {!settings && !load.error && <p className="muted">Loading…</p>}
      {settings && (
        <form className="form" onSubmit={submit} aria-label="Workspace settings">
          <div className="field">
            <label htmlFor="ws-name">Name</label>
            <input id="ws-name" name="workspace_name" required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} aria-describedby="ws-name-help" />
            <small id="ws-name-help" className="field-help muted">
              1 to 200 characters; everyone in the workspace sees it.
            </small>
          </div>
          <fieldset className="choice">
            <legend>What agents see</legend>
            {SCOPES.map((o) => (
              <label key={o.value} className="check check-block">
                <input
                  type="radio"
                  name="agent_scope"
                  value={o.value}
                  checked={settings.agent_scope === o.value}
                  onChange={() => setSettings({ ...settings, agent_scope: o.value })}
                />
                <span>
                  {o.label}
                  <small className="muted block">{o.help} Admins always see everything.</small>
                </span>
              </label>
            ))}
          </fieldset>
          <fieldset className="choice">
            <legend>Where a customer’s new message goes</legend>
            {JOINS.map((o) => (
              <label key={o.value} className="check check-block">
                <input
                  type="radio"
                  name="join_mode"
                  value={o.value}
                  checked={settings.join_mode === o.value}
                  onChange={() => setSettings({ ...settings, join_mode: o.value })}
                />
                <span>
                  {o.label}
                  <small className="muted block">{o.help}</small>
                </span>
              </label>
            ))}
          </fieldset>
          {settings.lifecycle && <LifecycleFields value={settings.lifecycle} onChange={(lifecycle) => setSettings({ ...settings, lifecycle })} />}
          <Result error={save.error} ok={save.ok} />
          <div>
            <button type="submit" className="btn btn-primary" disabled={save.busy}>
              {save.busy ? 'Saving…' : 'Save settings'}
            </button>
          </div>
        </form>
      )}
    </section>
    <EmailPanel />
    </>
  );
}

const lines = (v: string[] | null | undefined) => (v ?? []).join('\n');
const unlines = (v: string) =>
  v
    .split('\n')
    .map((x) => x.trim())
    .filter(Boolean);

/** LifecycleFields edit the timers and lists of the working day (sent whole with the settings). */
function LifecycleFields({ value, onChange }: { value: LifecycleSettings; onChange: (v: LifecycleSettings) => void }) {
  // The lists are edited as text; they become lists as they change.
  const [phrases, setPhrases] = useState(() => lines(value.closing_phrases));
  const [reasons, setReasons] = useState(() => lines(value.close_reasons));
  const num = (v: string) => (v === '' ? 0 : Math.max(0, Math.floor(Number(v)) || 0));
  return (
    <fieldset className="choice">
      <legend>The working day</legend>
      <div className="field">
        <label htmlFor="lc-auto">Auto-resolve after (hours without a customer message; 0 = off)</label>
        <input id="lc-auto" type="number" min={0} value={value.auto_resolve_hours} onChange={(e) => onChange({ ...value, auto_resolve_hours: num(e.target.value) })} />
      </div>
      <div className="field">
        <label htmlFor="lc-abandon">Abandon after (minutes the customer waits unanswered; 0 = off)</label>
        <input id="lc-abandon" type="number" min={0} value={value.abandon_minutes} onChange={(e) => onChange({ ...value, abandon_minutes: num(e.target.value) })} />
      </div>
      <div className="field">
        <label htmlFor="lc-first">First-response target (seconds a new customer may wait before the assignee, else the team, is notified; 0 = off)</label>
        <input
          id="lc-first"
          type="number"
          min={0}
          max={604800}
          value={value.first_response_seconds ?? 0}
          onChange={(e) => onChange({ ...value, first_response_seconds: num(e.target.value) })}
        />
      </div>
      <div className="field">
        <label htmlFor="lc-purge">Keep deleted conversations for (days, then purged)</label>
        <input id="lc-purge" type="number" min={0} value={value.purge_days} onChange={(e) => onChange({ ...value, purge_days: num(e.target.value) })} />
      </div>
      <div className="field">
        <label htmlFor="lc-resolved-reply">When a customer writes to a resolved conversation</label>
        <select
          id="lc-resolved-reply"
          value={value.resolved_reply ?? 'new_conversation'}
          onChange={(e) => onChange({ ...value, resolved_reply: e.target.value as LifecycleSettings['resolved_reply'] })}
          aria-describedby="lc-resolved-reply-help"
        >
          <option value="new_conversation">Open a new conversation linked to it</option>
          <option value="reopen">Reopen it</option>
        </select>
        <span id="lc-resolved-reply-help" className="field-help muted">
          On every channel, email replies included. Automatic replies (out of office) never reopen anything.
        </span>
      </div>
      <label className="check">
        <input
          type="checkbox"
          checked={value.closing_phrases_enabled}
          onChange={(e) => onChange({ ...value, closing_phrases_enabled: e.target.checked })}
        />
        Resolve when the customer’s message is only a closing phrase
      </label>
      <div className="field">
        <label htmlFor="lc-phrases">Closing phrases (one a line)</label>
        <textarea
          id="lc-phrases"
          rows={4}
          value={phrases}
          onChange={(e) => {
            setPhrases(e.target.value);
            onChange({ ...value, closing_phrases: unlines(e.target.value) });
          }}
        />
      </div>
      <div className="field">
        <label htmlFor="lc-reasons">Close reasons (one a line)</label>
        <textarea
          id="lc-reasons"
          rows={4}
          value={reasons}
          onChange={(e) => {
            setReasons(e.target.value);
            onChange({ ...value, close_reasons: unlines(e.target.value) });
          }}
        />
      </div>
    </fieldset>
  );
}
