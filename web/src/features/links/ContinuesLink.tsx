// "continues #123" in the thread header for a follow-up conversation (a
// message after resolution opened it), linking to the one it continues.
import { useEffect, useState } from 'react';
import { request } from '../../api';
import { navigate } from '../../router';

export function ContinuesLink({ ws, previousId }: { ws: string; previousId?: string | null }) {
  const [number, setNumber] = useState<number | null>(null);
  useEffect(() => {
    let live = true;
    if (previousId) {
      request<{ number: number }>(`/workspaces/${ws}/conversations/${previousId}`).then(
        (c) => live && setNumber(c.number),
        () => live && setNumber(null), // not visible to this user (or purged): no link
      );
    }
    return () => {
      live = false;
    };
  }, [ws, previousId]);
  if (!previousId || number === null) return null;
  return (
    <span className="muted continues">
      continues{' '}
      <a
        href={'/conversations/' + previousId}
        onClick={(e) => {
          e.preventDefault();
          navigate('/conversations/' + previousId);
        }}
      >
        #{number}
      </a>
    </span>
  );
}
