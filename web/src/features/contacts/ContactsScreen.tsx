// The Contacts screen (/contacts, /contacts/{id}): search and filters, a
// paged list with each person's star, bulk actions and export for admins,
// CSV import, and the client card of the chosen contact.
import { useCallback, useEffect, useRef, useState } from 'react';
import { navigate } from '../../router';
import { useSession } from '../../session';
import { Avatar, TopBar } from '../../ui';
import { contactsApi, type ContactFilters, type FullContact } from './api';
import { ClientCard } from './ClientCard';
import { ImportDialog } from './ImportDialog';

/** contactIdFromPath reads /contacts/{id}. */
export function contactIdFromPath(path: string): string | null {
  const m = /^\/contacts\/([^/]+)\/?$/.exec(path);
  return m ? decodeURIComponent(m[1]) : null;
}

const SELECTS: { key: keyof ContactFilters; label: string; options: [string, string][] }[] = [
  { key: 'channel', label: 'Channel', options: [['', 'Any channel'], ['whatsapp', 'WhatsApp'], ['sms', 'SMS'], ['email', 'Email'], ['telegram', 'Telegram'], ['messenger', 'Messenger'], ['webchat', 'Web chat'], ['api', 'API']] },
  { key: 'has_phone', label: 'Phone', options: [['', 'Phone: any'], ['true', 'Has a phone'], ['false', 'No phone']] },
  { key: 'has_email', label: 'Email', options: [['', 'Email: any'], ['true', 'Has an email'], ['false', 'No email']] },
  { key: 'blocked', label: 'Blocked', options: [['', 'Blocked: any'], ['true', 'Blocked'], ['false', 'Not blocked']] },
  { key: 'archived', label: 'Archived', options: [['', 'Not archived'], ['true', 'Archived'], ['any', 'Archived or not']] },
  { key: 'marked', label: 'Marked', options: [['', 'Marked: any'], ['true', 'Marked by me']] },
  { key: 'sort', label: 'Sort', options: [['', 'Newest first'], ['created_asc', 'Oldest first'], ['name_asc', 'Name A–Z'], ['name_desc', 'Name Z–A'], ['updated_desc', 'Recently changed']] },
];

export function ContactsScreen({ path }: { path: string }) {
  const { workspace } = useSession();
  const isAdmin = workspace.role === 'admin';
  const selected = contactIdFromPath(path);
  const [filters, setFilters] = useState<ContactFilters>({});
  const [items, setItems] = useState<FullContact[]>([]);
  const [cursor, setCursor] = useState('');
  const [error, setError] = useState('');
  const [checked, setChecked] = useState<string[]>([]);
  const [importing, setImporting] = useState(false);
  const [bulkTag, setBulkTag] = useState('');
  // Only the newest request's answer is shown (an older, slower one is dropped).
  const seq = useRef(0);

  const load = useCallback(
    async (more = '') => {
      const mine = ++seq.current;
      try {
        const page = await contactsApi.list(workspace.id, filters, more);
        if (mine !== seq.current) return;
        setItems((prev) => (more ? [...prev, ...(page.items ?? [])] : (page.items ?? [])));
        setCursor(page.next_cursor);
        setError('');
      } catch (e) {
        setError((e as Error).message);
      }
    },
    [workspace.id, filters],
  );
  useEffect(() => {
    const t = setTimeout(() => load(), filters.q ? 250 : 0);
    return () => clearTimeout(t);
  }, [load, filters.q]);

  const bulk = async (action: 'tag' | 'delete') => {
    try {
      await contactsApi.bulk(workspace.id, action, checked, action === 'tag' ? [bulkTag] : []);
      setChecked([]);
      load();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const set = (k: keyof ContactFilters, v: string) => setFilters((f) => ({ ...f, [k]: v }));
  return (
    <div className="app">
      <TopBar />
      <div className="contacts-layout">
        <section className="contacts-list" aria-labelledby="contacts-title">
          <div className="contacts-toolbar">
            <h1 id="contacts-title">Contacts</h1>
            <button type="button" className="btn btn-sm" onClick={() => setImporting(true)}>
              Import CSV
            </button>
            {isAdmin && (
              <a className="btn btn-sm" href={contactsApi.exportURL(workspace.id, filters)} download="contacts.csv">
                Export CSV
              </a>
            )}
          </div>
          <input
            type="search"
            className="contacts-search"
            aria-label="Search contacts"
            placeholder="Name, email, phone or company"
            value={filters.q ?? ''}
            onChange={(e) => set('q', e.target.value)}
          />
          <div className="contacts-filters">
            {SELECTS.map((s) => (
              <select key={s.key} aria-label={s.label} value={filters[s.key] ?? ''} onChange={(e) => set(s.key, e.target.value)}>
                {s.options.map(([v, l]) => (
                  <option key={v} value={v}>
                    {l}
                  </option>
                ))}
              </select>
            ))}
            <input aria-label="Tag" placeholder="Tag" value={filters.tag ?? ''} onChange={(e) => set('tag', e.target.value)} />
            <input
              aria-label="Attribute (key:value)"
              placeholder="key:value"
              value={filters.attribute ?? ''}
              onChange={(e) => set('attribute', e.target.value)}
            />
          </div>
          {isAdmin && checked.length > 0 && (
            <div className="contacts-bulk" role="group" aria-label="Bulk actions">
              <span>{checked.length} selected</span>
              <input aria-label="Tag to add" placeholder="Tag" value={bulkTag} onChange={(e) => setBulkTag(e.target.value)} />
              <button type="button" className="btn btn-sm" disabled={!bulkTag.trim()} onClick={() => bulk('tag')}>
                Tag
              </button>
              <button type="button" className="btn btn-sm btn-danger" onClick={() => bulk('delete')}>
                Delete
              </button>
            </div>
          )}
          {error && (
            <p className="cc-error" role="alert">
              {error}
            </p>
          )}
          <ul className="contacts-items" aria-label="Contacts">
            {items.map((c) => (
              <li key={c.id} className={c.id === selected ? 'active' : undefined}>
                {isAdmin && (
                  <input
                    type="checkbox"
                    aria-label={`Select ${c.name}`}
                    checked={checked.includes(c.id)}
                    onChange={(e) => setChecked((l) => (e.target.checked ? [...l, c.id] : l.filter((x) => x !== c.id)))}
                  />
                )}
                <a
                  href={'/contacts/' + c.id}
                  aria-current={c.id === selected ? 'page' : undefined}
                  onClick={(e) => {
                    e.preventDefault();
                    navigate('/contacts/' + c.id);
                  }}
                >
                  <Avatar name={c.name} url={c.avatar_url} id={c.id} size={28} />
                  <span className="contacts-name">
                    {c.marked && <span aria-label="Marked">★ </span>}
                    {c.name || 'Unnamed'}
                  </span>
                  <span className="muted">{[c.email, c.phone, c.company].filter(Boolean).join(' · ')}</span>
                  {c.blocked && <span className="tag tag-danger">Blocked</span>}
                </a>
              </li>
            ))}
            {items.length === 0 && <li className="muted pad">No contacts match.</li>}
          </ul>
          {cursor && (
            <button type="button" className="btn btn-block" onClick={() => load(cursor)}>
              Load more
            </button>
          )}
        </section>
        <aside className="contacts-card" aria-label="Client card">
          {selected ? <ClientCard contactId={selected} /> : <p className="muted pad">Choose a contact to see their card.</p>}
        </aside>
      </div>
      {importing && (
        <ImportDialog
          onClose={() => setImporting(false)}
          onDone={() => {
            load();
          }}
        />
      )}
    </div>
  );
}
