// What an empty conversation list says. A workspace without any inbox has
// no way for customers' messages to arrive: admins get a button to the
// channel set-up, agents learn that an admin connects channels.
import { useEffect, useState } from 'react';
import { api } from '../../api';
import { navigate } from '../../router';
import { useSession } from '../../session';

export function NoConversations({ search }: { search: boolean }) {
  const { workspace } = useSession();
  // null until known: the plain sentence shows meanwhile (and on errors).
  const [noInbox, setNoInbox] = useState<boolean | null>(null);

  useEffect(() => {
    if (search) return;
    let live = true;
    api.inboxes(workspace.id).then(
      (p) => live && setNoInbox((p.items ?? []).length === 0),
      () => live && setNoInbox(false),
    );
    return () => {
      live = false;
    };
  }, [workspace.id, search]);

  if (search) return <p className="empty muted">No loaded conversation matches.</p>;
  if (!noInbox) return <p className="empty muted">No conversations here.</p>;
  return (
    <div className="empty empty-guide" role="region" aria-label="Connect your first channel">
      <p>
        <strong>No channel is connected yet.</strong> Customers’ messages arrive here once an inbox receives them from a channel
        (WhatsApp, SMS, Messenger, Telegram or your own system through the API).
      </p>
      {workspace.role === 'admin' ? (
        <button type="button" className="btn btn-primary" onClick={() => navigate('/settings/inboxes')}>
          Connect your first channel
        </button>
      ) : (
        <p className="muted">An admin of {workspace.name} connects channels; ask them to set one up.</p>
      )}
    </div>
  );
}
