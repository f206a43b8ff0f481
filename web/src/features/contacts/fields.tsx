// In-place editors of the client card: a text field that saves on Enter or
// leaving it, tags, and custom attributes typed by their definitions.
import { useEffect, useState } from 'react';
import type { AttributeDef } from './api';

export function EditableField({
  label,
  value,
  type = 'text',
  onSave,
}: {
  label: string;
  value: string;
  type?: string;
  onSave: (v: string) => Promise<void>;
}) {
  const [draft, setDraft] = useState(value);
  const [error, setError] = useState('');
  useEffect(() => setDraft(value), [value]);
  const save = async () => {
    if (draft === value) return;
    try {
      setError('');
      await onSave(draft);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const id = 'cf-' + label.toLowerCase().replace(/\W+/g, '-');
  return (
    <div className="cc-field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type={type}
        value={draft}
        aria-invalid={error ? true : undefined}
        onChange={(e) => setDraft(type === 'checkbox' ? String(e.target.checked) : e.target.value)}
        onBlur={save}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            save();
          }
        }}
      />
      {error && (
        <span className="cc-error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}

export function AttributeField({
  def,
  value,
  onSave,
}: {
  def: AttributeDef;
  value: string;
  onSave: (v: string) => Promise<void>;
}) {
  const [error, setError] = useState('');
  const id = 'attr-' + def.key;
  const save = async (v: string) => {
    if (v === value) return;
    try {
      setError('');
      await onSave(v);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  let input;
  if (def.type === 'checkbox') {
    input = <input id={id} type="checkbox" checked={value === 'true'} onChange={(e) => save(String(e.target.checked))} />;
  } else if (def.type === 'list') {
    input = (
      <select id={id} value={value} onChange={(e) => save(e.target.value)}>
        <option value="">—</option>
        {def.options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    );
  } else {
    const type = { number: 'text', date: 'date', link: 'url', text: 'text' }[def.type] ?? 'text';
    input = <DraftInput id={id} type={type} value={value} invalid={!!error} onCommit={save} />;
  }
  return (
    <div className="cc-field">
      <label htmlFor={id}>{def.label}</label>
      {input}
      {error && (
        <span className="cc-error" role="alert">
          {error}
        </span>
      )}
      {value && def.type === 'link' && !error && (
        <a href={value} target="_blank" rel="noreferrer noopener" className="cc-link">
          Open link
        </a>
      )}
    </div>
  );
}

function DraftInput({
  id,
  type,
  value,
  invalid,
  onCommit,
}: {
  id: string;
  type: string;
  value: string;
  invalid: boolean;
  onCommit: (v: string) => void;
}) {
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [value]);
  return (
    <input
      id={id}
      type={type}
      value={draft}
      aria-invalid={invalid || undefined}
      onChange={(e) => setDraft(e.target.value)}
      onBlur={() => onCommit(draft)}
      onKeyDown={(e) => {
        if (e.key === 'Enter') {
          e.preventDefault();
          onCommit(draft);
        }
      }}
    />
  );
}

export function TagEditor({ tags, onChange }: { tags: string[]; onChange: (t: string[]) => Promise<void> }) {
  const [draft, setDraft] = useState('');
  return (
    <div className="cc-tags">
      <ul className="tags" aria-label="Tags">
        {tags.map((t) => (
          <li key={t} className="tag">
            {t}{' '}
            <button type="button" className="btn btn-ghost btn-xs" aria-label={`Remove tag ${t}`} onClick={() => onChange(tags.filter((x) => x !== t))}>
              ×
            </button>
          </li>
        ))}
      </ul>
      <input
        aria-label="Add a tag"
        placeholder="Add a tag…"
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && draft.trim()) {
            e.preventDefault();
            onChange([...tags, draft.trim()]).then(() => setDraft(''));
          }
        }}
      />
    </div>
  );
}
