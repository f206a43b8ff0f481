// "Participating" in the sidebar (seed 001, added with a comment): the
// conversations a colleague added me to without assigning me, newest
// addition first. It reloads when I am added somewhere (the notification
// event) and follows the conversations' own changes.
import { useCallback, useEffect, useState } from 'react';
import { navigate } from '../../router';
import type { Conversation } from '../../types';
import { collabApi } from '../collab/api';
import { onNotification } from '../notifications/bus';
import { STATUS_LABELS } from '../../format';

export function Participating({ ws, openId }: { ws: string; openId: string }) {
  const [items, setItems] = useState<Conversation[]>([]);
  const [open, setOpen] = useState(true);
  const reload = useCallback(() => {
    collabApi.participating(ws).then(
      (p) => setItems(p?.items ?? []),
      () => {},
    );
  }, [ws]);
  useEffect(reload, [reload]);
  // Being added arrives as a notification (through notify, like mentions).
  useEffect(() => onNotification(reload), [reload]);
  if (items.length === 0) return null;
  return (
    <section className="internal participating" aria-label="Participating">
      <div className="internal-head">
        <h2>
          <button type="button" className="linkish" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
            Participating
          </button>{' '}
          <span className="count">{items.length}</span>
        </h2>
      </div>
      {open && (
        <ul className="internal-list">
          {items.map((c) => (
            <li key={c.id} className={c.id === openId ? 'current' : undefined}>
              <button
                type="button"
                className="linkish"
                aria-current={c.id === openId ? 'true' : undefined}
                onClick={() => navigate('/conversations/' + c.id)}
              >
                {c.contact?.name || 'Unknown contact'} · #{c.number}
              </button>{' '}
              <span className="muted">{STATUS_LABELS[c.status]}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
