// Deleted conversations (admins): those still in their grace period, who
// deleted them, when, and when they will be purged, each with a Restore
// button that brings the conversation back into its views.
import { useCallback, useEffect, useState } from 'react';
import { request } from '../../api';
import { channelLabel, fullTime } from '../../format';
import { navigate } from '../../router';
import { useSession } from '../../session';
import type { Page } from '../../types';

export interface DeletedConversation {
  id: string;
  number: number;
  status: string;
  subject: string;
  contact: { id: string; name: string };
  inbox: { id: string; name: string; channel: string };
  deleted_at: string;
  deleted_by: { id: string; name: string } | null;
  purge_at: string;
}

export function DeletedConversationsPage() {
  const ws = useSession().workspace.id;
  const base = `/workspaces/${encodeURIComponent(ws)}/conversations`;
  const [items, setItems] = useState<DeletedConversation[] | null>(null);
  const [cursor, setCursor] = useState('');
  const [error, setError] = useState('');
  const [loading, setLoading] = useState(false);
  const [restored, setRestored] = useState<{ id: string; number: number } | null>(null);
  const [busy, setBusy] = useState('');

  const load = useCallback(
    async (from: string) => {
      setLoading(true);
      setError('');
      try {
        const p = await request<Page<DeletedConversation>>(`${base}/deleted?limit=50` + (from ? '&cursor=' + encodeURIComponent(from) : ''));
        setItems((l) => (from ? [...(l ?? []), ...(p.items ?? [])] : (p.items ?? [])));
        setCursor(p.next_cursor ?? '');
      } catch (err) {
        setError((err as Error).message);
      } finally {
        setLoading(false);
      }
    },
    [base],
  );
  useEffect(() => {
    const t = setTimeout(() => load(''));
    return () => clearTimeout(t);
  }, [load]);

  async function restore(d: DeletedConversation) {
    setBusy(d.id);
    setError('');
    try {
      await request(`${base}/${encodeURIComponent(d.id)}/restore`, { method: 'POST' });
      setItems((l) => (l ?? []).filter((x) => x.id !== d.id));
      setRestored({ id: d.id, number: d.number });
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy('');
    }
  }

  return (
    <section className="panel" aria-labelledby="deleted-title">
      <h2 id="deleted-title">Deleted conversations</h2>
      <p className="muted">Deleted conversations can be restored until their messages and files are purged.</p>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <p role="status" className="muted">
        {restored && (
          <>
            Conversation{' '}
            <a
              href={'/conversations/' + restored.id}
              onClick={(e) => {
                e.preventDefault();
                navigate('/conversations/' + restored.id);
              }}
            >
              #{restored.number}
            </a>{' '}
            restored.
          </>
        )}
      </p>
      {!items && !error && <p className="muted">Loading…</p>}
      {items && items.length === 0 && <p className="muted">No deleted conversations waiting to be purged.</p>}
      {items && items.length > 0 && (
        <table className="audit-table deleted-table">
          <thead>
            <tr>
              <th scope="col">Conversation</th>
              <th scope="col">Deleted</th>
              <th scope="col">By</th>
              <th scope="col">Purged</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((d) => (
              <tr key={d.id} data-testid="deleted-row">
                <td>
                  #{d.number} {d.contact.name || 'Unknown contact'}{' '}
                  <span className="muted small">
                    {d.inbox.name} ({channelLabel(d.inbox.channel)}){d.subject ? ' · ' + d.subject : ''}
                  </span>
                </td>
                <td>
                  <time dateTime={d.deleted_at}>{fullTime(d.deleted_at)}</time>
                </td>
                <td>{d.deleted_by?.name || '—'}</td>
                <td>
                  <time dateTime={d.purge_at}>{fullTime(d.purge_at)}</time>
                </td>
                <td>
                  <button
                    type="button"
                    className="btn btn-sm"
                    disabled={busy === d.id}
                    onClick={() => restore(d)}
                    aria-label={`Restore #${d.number}`}
                  >
                    {busy === d.id ? 'Restoring…' : 'Restore'}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {cursor && (
        <button type="button" className="btn btn-sm" disabled={loading} onClick={() => load(cursor)}>
          {loading ? 'Loading…' : 'Load more'}
        </button>
      )}
    </section>
  );
}
