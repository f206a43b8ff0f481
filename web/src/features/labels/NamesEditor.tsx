// The details panel's tags and labels: chips with a remove button and a
// field that offers the catalogue's names (a new name is created).
import { useId, useState, type FormEvent } from 'react';
import type { Tag } from '../settings/api';
import { colourOf } from './labels';

export function NamesEditor({
  title,
  names,
  cat,
  disabled,
  onChange,
}: {
  title: 'Tags' | 'Labels';
  names: string[] | null | undefined;
  cat: Tag[];
  disabled?: boolean;
  onChange: (names: string[]) => void;
}) {
  const id = useId();
  const [v, setV] = useState('');
  const list = names ?? [];
  const one = title === 'Tags' ? 'tag' : 'label';
  function add(e: FormEvent) {
    e.preventDefault();
    const n = v.trim();
    if (!n) return;
    if (!list.some((x) => x.toLowerCase() === n.toLowerCase())) onChange([...list, n]);
    setV('');
  }
  return (
    <div className="control">
      <span className="control-label">{title}</span>
      <ul className="tags" aria-label={`Conversation ${title.toLowerCase()}`}>
        {list.map((t) => {
          const c = colourOf(cat, t);
          return (
            <li key={t} className="tag tag-removable" style={c ? { borderColor: c, boxShadow: `inset 3px 0 0 ${c}` } : undefined}>
              {t}
              <button type="button" className="tag-remove" aria-label={`Remove ${one} ${t}`} disabled={disabled} onClick={() => onChange(list.filter((x) => x !== t))}>
                ✕
              </button>
            </li>
          );
        })}
      </ul>
      <form onSubmit={add} className="names-add">
        <input
          list={id}
          aria-label={`Add a ${one}`}
          placeholder={`Add a ${one}…`}
          maxLength={64}
          value={v}
          disabled={disabled}
          onChange={(e) => setV(e.target.value)}
        />
        <datalist id={id}>
          {cat
            .filter((t) => !list.some((x) => x.toLowerCase() === t.name.toLowerCase()))
            .map((t) => (
              <option key={t.id} value={t.name} />
            ))}
        </datalist>
      </form>
    </div>
  );
}
