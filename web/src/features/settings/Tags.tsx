// Tags (on conversations and contacts) and labels (on conversations):
// create, rename, colour, delete. A rename or delete reaches every
// conversation and contact that carries the name.
import { useEffect, useId, useState, type FormEvent } from 'react';
import { useSession } from '../../session';
import { settingsApi, type Tag, type TagKind } from './api';
import { ConfirmButton, Result, useAction } from './shared';

/** COLOURS are the colours offered; all keep AA contrast with dark text on their tint. */
export const COLOURS: { value: string; name: string }[] = [
  { value: '', name: 'No colour' },
  { value: '#3b82f6', name: 'Blue' },
  { value: '#16a34a', name: 'Green' },
  { value: '#ca8a04', name: 'Yellow' },
  { value: '#ea580c', name: 'Orange' },
  { value: '#dc2626', name: 'Red' },
  { value: '#9333ea', name: 'Purple' },
  { value: '#db2777', name: 'Pink' },
  { value: '#64748b', name: 'Grey' },
];

function colourName(v: string): string {
  return COLOURS.find((c) => c.value === v.toLowerCase())?.name ?? v;
}

function Swatch({ color }: { color: string }) {
  return <span className={'swatch' + (color ? '' : ' swatch-none')} style={color ? { backgroundColor: color } : undefined} aria-hidden="true" />;
}

function ColourSelect({ value, onChange, label }: { value: string; onChange: (v: string) => void; label: string }) {
  const id = useId();
  const known = COLOURS.some((c) => c.value === value);
  return (
    <span className="field field-inline">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        {!known && <option value={value}>{value}</option>}
        {COLOURS.map((c) => (
          <option key={c.value} value={c.value}>
            {c.name}
          </option>
        ))}
      </select>
    </span>
  );
}

export function TagsPage({ kind }: { kind: TagKind }) {
  const { workspace } = useSession();
  const one = kind === 'tags' ? 'tag' : 'label';
  const [list, setList] = useState<Tag[] | null>(null);
  const [name, setName] = useState('');
  const [color, setColor] = useState('');
  const load = useAction();
  const create = useAction();
  const change = useAction();

  const { run: runLoad } = load;
  useEffect(() => {
    runLoad(async () => {
      const p = await settingsApi.tags(workspace.id, kind);
      setList(p.items ?? []);
    });
  }, [runLoad, workspace.id, kind]);

  const sorted = (l: Tag[]) => [...l].sort((a, b) => a.name.localeCompare(b.name));

  function submit(e: FormEvent) {
    e.preventDefault();
    create.run(async () => {
      const t = await settingsApi.createTag(workspace.id, kind, { name: name.trim(), color });
      setList((l) => sorted([...(l ?? []), t]));
      setName('');
      setColor('');
      return `The ${one} “${t.name}” was created.`;
    });
  }

  const what =
    kind === 'tags'
      ? 'Tags describe what a conversation or a contact is about (Billing, VIP…).'
      : 'Labels mark where a conversation stands in your workflow (Follow-up required, Escalated…).';

  return (
    <>
      <section className="panel" aria-labelledby="tag-new">
        <h2 id="tag-new">New {one}</h2>
        <p className="muted">
          {what} Agents may also type new names on a conversation; those appear here without a colour.
        </p>
        <form className="form" onSubmit={submit} aria-label={`New ${one}`}>
          <div className="row gap wrap end-y">
            <label className="field grow">
              <span>Name</span>
              <input
                name="name"
                required
                maxLength={64}
                value={name}
                onChange={(e) => setName(e.target.value)}
                aria-describedby="tag-name-help"
              />
            </label>
            <ColourSelect value={color} onChange={setColor} label="Colour" />
            <button type="submit" className="btn btn-primary" disabled={create.busy}>
              {create.busy ? 'Creating…' : `Create ${one}`}
            </button>
          </div>
          <small id="tag-name-help" className="field-help muted">
            1 to 64 characters; each name is used once in the workspace.
          </small>
          <Result error={create.error} ok={create.ok} />
        </form>
      </section>

      <section className="panel" aria-labelledby="tag-list">
        <h2 id="tag-list">{kind === 'tags' ? 'Tags' : 'Labels'}</h2>
        <Result error={load.error || change.error} ok={change.ok} />
        {!list && !load.error && <p className="muted">Loading…</p>}
        {list && list.length === 0 && <p className="muted">No {kind} yet. Create the first one above.</p>}
        {list && list.length > 0 && (
          <ul className="settings-list" aria-label={kind === 'tags' ? 'Tags' : 'Labels'}>
            {list.map((t) => (
              <TagRow
                key={t.id}
                tag={t}
                one={one}
                busy={change.busy}
                onSave={(body) =>
                  change.run(async () => {
                    const u = await settingsApi.updateTag(workspace.id, kind, t.id, body);
                    setList((l) => sorted((l ?? []).map((x) => (x.id === t.id ? u : x))));
                    return body.name && body.name !== t.name
                      ? `Renamed “${t.name}” to “${u.name}” everywhere it was used.`
                      : `Saved “${u.name}”.`;
                  })
                }
                onDelete={() =>
                  change.run(async () => {
                    await settingsApi.deleteTag(workspace.id, kind, t.id);
                    setList((l) => (l ?? []).filter((x) => x.id !== t.id));
                    return `Deleted “${t.name}” and took it off every conversation${kind === 'tags' ? ' and contact' : ''}.`;
                  })
                }
              />
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

function TagRow({
  tag,
  one,
  busy,
  onSave,
  onDelete,
}: {
  tag: Tag;
  one: string;
  busy: boolean;
  onSave: (body: { name?: string; color?: string }) => Promise<boolean>;
  onDelete: () => void;
}) {
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(tag.name);
  const [color, setColor] = useState(tag.color);
  if (editing) {
    return (
      <li className="settings-item">
        <form
          className="row gap wrap end-y grow"
          aria-label={`Edit ${one} ${tag.name}`}
          onSubmit={async (e) => {
            e.preventDefault();
            const body: { name?: string; color?: string } = {};
            if (name.trim() !== tag.name) body.name = name.trim();
            if (color !== tag.color) body.color = color;
            if (await onSave(body)) setEditing(false);
          }}
        >
          <label className="field grow">
            <span>Name</span>
            <input name="name" required maxLength={64} value={name} onChange={(e) => setName(e.target.value)} autoFocus />
          </label>
          <ColourSelect value={color} onChange={setColor} label="Colour" />
          <button type="submit" className="btn btn-primary btn-sm" disabled={busy}>
            Save
          </button>
          <button
            type="button"
            className="btn btn-sm"
            onClick={() => {
              setEditing(false);
              setName(tag.name);
              setColor(tag.color);
            }}
          >
            Cancel
          </button>
        </form>
      </li>
    );
  }
  return (
    <li className="settings-item">
      <Swatch color={tag.color} />
      <span className="settings-name">{tag.name}</span>
      <span className="muted small">{tag.color ? colourName(tag.color) : 'No colour'}</span>
      <span className="actions">
        <button type="button" className="btn btn-sm" onClick={() => setEditing(true)} aria-label={`Edit ${tag.name}`}>
          Edit
        </button>
        <ConfirmButton label="Delete" confirm="Yes, delete" what={tag.name} busy={busy} onConfirm={onDelete} />
      </span>
    </li>
  );
}
