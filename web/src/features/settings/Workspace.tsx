// Workspace settings: its name, what agents may see (agent scope) and when
// a customer's new message joins an open conversation (join mode).
import { useEffect, useState, type FormEvent } from 'react';
import { useSession } from '../../session';
import { settingsApi, type WorkspaceSettings } from './api';
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
          <Result error={save.error} ok={save.ok} />
          <div>
            <button type="submit" className="btn btn-primary" disabled={save.busy}>
              {save.busy ? 'Saving…' : 'Save settings'}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
