// "continued in #M" in the thread header of a resolved conversation whose
// customer wrote again (a follow-up conversation opened): the other half
// of ContinuesLink. The server names the follow-up (continued_by) only
// when the reader may see it.
import { useEffect, useState } from 'react';
import { request } from '../../api';
import { navigate } from '../../router';

interface Link {
  id: string;
  number: number;
}

export function ContinuedLink({ ws, conversationId, status }: { ws: string; conversationId: string; status: string }) {
  const [next, setNext] = useState<Link | null>(null);
  const closed = status === 'resolved' || status === 'abandoned';
  useEffect(() => {
    let live = true;
    setNext(null);
    if (closed) {
      request<{ continued_by?: Link | null }>(`/workspaces/${encodeURIComponent(ws)}/conversations/${encodeURIComponent(conversationId)}`).then(
        (c) => live && setNext(c.continued_by ?? null),
        () => {},
      );
    }
    return () => {
      live = false;
    };
  }, [ws, conversationId, closed]);
  if (!next) return null;
  return (
    <span className="muted continues" data-testid="continued-in">
      continued in{' '}
      <a
        href={'/conversations/' + next.id}
        onClick={(e) => {
          e.preventDefault();
          navigate('/conversations/' + next.id);
        }}
      >
        #{next.number}
      </a>
    </span>
  );
}
