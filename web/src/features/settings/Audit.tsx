// The audit log (admins): every change, who made it and when, newest first.
import { useCallback, useEffect, useState } from 'react';
import { fullTime } from '../../format';
import { useSession } from '../../session';
import { workdayApi, type AuditEntry } from '../workday/api';
import { Result } from './shared';

function summary(data: unknown): string {
  if (data === null || data === undefined) return '';
  const text = typeof data === 'string' ? data : JSON.stringify(data);
  return text.length > 200 ? text.slice(0, 200) + '…' : text;
}

export function AuditPage() {
  const s = useSession();
  const ws = s.workspace.id;
  const [items, setItems] = useState<AuditEntry[] | null>(null);
  const [cursor, setCursor] = useState('');
  const [error, setError] = useState('');
  const [loading, setLoading] = useState(false);
  const names = new Map(s.members.map((m) => [m.id, m.name]));

  const load = useCallback(
    async (from: string) => {
      setLoading(true);
      setError('');
      try {
        const p = await workdayApi.audit(ws, from || undefined);
        setItems((l) => (from ? [...(l ?? []), ...(p.items ?? [])] : (p.items ?? [])));
        setCursor(p.next_cursor ?? '');
      } catch (err) {
        setError((err as Error).message);
      } finally {
        setLoading(false);
      }
    },
    [ws],
  );
  useEffect(() => {
    const t = setTimeout(() => load(''));
    return () => clearTimeout(t);
  }, [load]);

  return (
    <section className="panel" aria-labelledby="audit-title">
      <h2 id="audit-title">Audit log</h2>
      <p className="muted">Every change in the workspace: who, what and when.</p>
      <Result error={error} />
      {!items && !error && <p className="muted">Loading…</p>}
      {items && items.length === 0 && <p className="muted">Nothing recorded yet.</p>}
      {items && items.length > 0 && (
        <table className="audit-table">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">Action</th>
              <th scope="col">Object</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {items.map((a) => (
              <tr key={a.id}>
                <td>
                  <time dateTime={a.created_at}>{fullTime(a.created_at)}</time>
                </td>
                <td>{a.actor_id ? (names.get(a.actor_id) ?? a.actor_id) : 'Parley'}</td>
                <td>
                  <code>{a.action}</code>
                </td>
                <td>
                  {a.object_type} <span className="muted small">{a.object_id}</span>
                </td>
                <td className="audit-data small">{summary(a.data)}</td>
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
