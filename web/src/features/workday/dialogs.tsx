// The working day's dialogs: transfer (agents with their availability,
// connection and load, or a team's queue, with a note), resolve (note and
// close reason), merge (another conversation of the same contact) and New
// chat (pick or create a contact, pick one of their channels, write).
import { useEffect, useState, type FormEvent } from 'react';
import { needsSubject, SubjectField } from '../email/SubjectField';
import { api } from '../../api';
import { channelLabel, STATUS_LABELS } from '../../format';
import { useSession } from '../../session';
import type { Contact, Conversation, Inbox, Page } from '../../types';
import { request } from '../../api';
import { workdayApi, type AgentLoad } from './api';
import { Modal } from './Modal';
import { NewChatTemplate, useTemplateOnly } from './newChatTemplate';

const AVAILABILITY: Record<string, string> = { online: 'Online', busy: 'Busy', offline: 'Offline' };

/** AgentPresence shows availability, the connected dot and the load ("3 / 5"). */
export function AgentPresence({ a }: { a: AgentLoad }) {
  return (
    <span className="agent-presence muted">
      <span className={'dot ' + (a.connected ? 'dot-on' : 'dot-off')} aria-hidden="true" />
      <span>
        {AVAILABILITY[a.availability] ?? a.availability} · {a.connected ? 'connected' : 'away'}
      </span>
      <span className="agent-load" title="Open and pending conversations against capacity">
        {a.load_label}
      </span>
    </span>
  );
}

export function TransferDialog({
  conversation,
  onClose,
  onDone,
}: {
  conversation: Conversation;
  onClose: () => void;
  onDone: (c: Conversation) => void;
}) {
  const { workspace, user, teams } = useSession();
  const [agents, setAgents] = useState<AgentLoad[] | null>(null);
  const [target, setTarget] = useState('');
  const [note, setNote] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    workdayApi.agents(workspace.id).then(
      (r) => setAgents(r.items ?? []),
      (e) => setError((e as Error).message),
    );
  }, [workspace.id]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!target) {
      setError('Pick an agent or a team.');
      return;
    }
    setBusy(true);
    setError('');
    const [kind, id] = target.split(':');
    try {
      const c = await workdayApi.transfer(workspace.id, conversation.id, {
        ...(kind === 'user' ? { user_id: id } : { team_id: id }),
        ...(note.trim() ? { note: note.trim() } : {}),
      });
      onDone(c);
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  }

  const others = (agents ?? []).filter((a) => a.user_id !== user.id);
  return (
    <Modal title={`Transfer #${conversation.number}`} onClose={onClose}>
      <form onSubmit={submit} className="form" aria-label="Transfer">
        <fieldset className="choice">
          <legend>To an agent</legend>
          {!agents && !error && <p className="muted">Loading agents…</p>}
          {agents && others.length === 0 && <p className="muted">No colleague to transfer to.</p>}
          <ul className="agent-list">
            {others.map((a) => (
              <li key={a.user_id}>
                <label className="check check-block">
                  <input
                    type="radio"
                    name="transfer_to"
                    value={'user:' + a.user_id}
                    checked={target === 'user:' + a.user_id}
                    onChange={(e) => setTarget(e.target.value)}
                  />
                  <span className="agent-name">{a.name}</span>
                  <AgentPresence a={a} />
                </label>
              </li>
            ))}
          </ul>
        </fieldset>
        {teams.length > 0 && (
          <fieldset className="choice">
            <legend>Back to a team’s queue</legend>
            {teams.map((t) => (
              <label key={t.id} className="check check-block">
                <input
                  type="radio"
                  name="transfer_to"
                  value={'team:' + t.id}
                  checked={target === 'team:' + t.id}
                  onChange={(e) => setTarget(e.target.value)}
                />
                <span>{t.name}</span>
              </label>
            ))}
          </fieldset>
        )}
        <div className="field">
          <label htmlFor="transfer-note">Note for the colleague (private)</label>
          <textarea id="transfer-note" rows={3} maxLength={2000} value={note} onChange={(e) => setNote(e.target.value)} />
        </div>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <div className="row gap">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Transferring…' : 'Transfer'}
          </button>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Modal>
  );
}

export function ResolveDialog({
  conversation,
  onClose,
  onDone,
}: {
  conversation: Conversation;
  onClose: () => void;
  onDone: (c: Conversation) => void;
}) {
  const { workspace } = useSession();
  const [reasons, setReasons] = useState<string[]>([]);
  const [reason, setReason] = useState('');
  const [note, setNote] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    workdayApi.lifecycle(workspace.id).then(
      (w) => setReasons(w.settings?.lifecycle?.close_reasons ?? []),
      () => {},
    );
  }, [workspace.id]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      const body: { resolution_note?: string; close_reason?: string } = {};
      if (note.trim()) body.resolution_note = note.trim();
      if (reason) body.close_reason = reason;
      onDone(await workdayApi.resolve(workspace.id, conversation.id, body));
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  }

  return (
    <Modal title={`Resolve #${conversation.number}`} onClose={onClose}>
      <form onSubmit={submit} className="form" aria-label="Resolve">
        <div className="field">
          <label htmlFor="close-reason">Close reason</label>
          <select id="close-reason" value={reason} onChange={(e) => setReason(e.target.value)}>
            <option value="">No reason</option>
            {reasons.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="resolution-note">Resolution note</label>
          <textarea id="resolution-note" rows={3} maxLength={2000} value={note} onChange={(e) => setNote(e.target.value)} />
        </div>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <div className="row gap">
          <button type="submit" className="btn btn-primary" disabled={busy} data-autofocus>
            {busy ? 'Resolving…' : 'Resolve'}
          </button>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Modal>
  );
}

export function MergeDialog({
  conversation,
  onClose,
  onDone,
}: {
  conversation: Conversation;
  onClose: () => void;
  onDone: (c: Conversation) => void;
}) {
  const { workspace } = useSession();
  const [others, setOthers] = useState<Conversation[] | null>(null);
  const [into, setInto] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const contactId = conversation.contact_id || conversation.contact?.id;
  useEffect(() => {
    workdayApi.contactConversations(workspace.id).then(
      (p) => setOthers((p.items ?? []).filter((x) => x.id !== conversation.id && (x.contact_id || x.contact?.id) === contactId)),
      (e) => setError((e as Error).message),
    );
  }, [workspace.id, conversation.id, contactId]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!into) {
      setError('Pick the conversation to merge into.');
      return;
    }
    setBusy(true);
    setError('');
    try {
      onDone(await workdayApi.merge(workspace.id, conversation.id, into));
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  }

  return (
    <Modal title={`Merge #${conversation.number}`} onClose={onClose}>
      <form onSubmit={submit} className="form" aria-label="Merge">
        <p className="muted">
          This conversation joins the one you pick: its messages stay, and it disappears from the lists.
        </p>
        {!others && !error && <p className="muted">Loading…</p>}
        {others && others.length === 0 && <p className="muted">This contact has no other conversation.</p>}
        {others && others.length > 0 && (
          <fieldset className="choice">
            <legend>Merge into</legend>
            {others.map((o) => (
              <label key={o.id} className="check check-block">
                <input type="radio" name="merge_into" value={o.id} checked={into === o.id} onChange={() => setInto(o.id)} />
                <span>
                  #{o.number} · {STATUS_LABELS[o.status] ?? o.status} · {o.last_message?.content?.slice(0, 60) ?? 'No messages'}
                </span>
              </label>
            ))}
          </fieldset>
        )}
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <div className="row gap">
          <button type="submit" className="btn btn-primary" disabled={busy || !others?.length}>
            {busy ? 'Merging…' : 'Merge'}
          </button>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Modal>
  );
}

export function NewChatDialog({ onClose, onDone }: { onClose: () => void; onDone: (c: Conversation) => void }) {
  const { workspace } = useSession();
  const ws = workspace.id;
  const [q, setQ] = useState('');
  const [found, setFound] = useState<Contact[]>([]);
  const [contact, setContact] = useState<Contact | null>(null);
  const [inboxes, setInboxes] = useState<Inbox[]>([]);
  const [inboxId, setInboxId] = useState('');
  const [creating, setCreating] = useState(false);
  const [newName, setNewName] = useState('');
  const [newInbox, setNewInbox] = useState('');
  const [newAddress, setNewAddress] = useState('');
  const [content, setContent] = useState('');
  const [subject, setSubject] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const emailChannel = needsSubject(inboxes.find((i) => i.id === inboxId)?.channel);

  useEffect(() => {
    api.inboxes(ws).then((p) => setInboxes(p.items ?? []), () => {});
  }, [ws]);
  useEffect(() => {
    let live = true;
    const t = setTimeout(() => {
      request<Page<Contact>>(`/workspaces/${encodeURIComponent(ws)}/contacts?limit=20&q=${encodeURIComponent(q.trim())}`).then(
        (p) => live && setFound(p.items ?? []),
        () => {},
      );
    }, 200);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [ws, q]);

  const channels = contact
    ? inboxes.filter((i) => (contact.identities ?? []).some((x) => x.inbox_id === i.id))
    : [];
  const chosen = channels.find((i) => i.id === inboxId);
  // WhatsApp with no open 24-hour window: only a template may go first.
  const templateOnly = useTemplateOnly(ws, contact?.id, chosen);

  async function pick(ct: Contact) {
    setError('');
    try {
      const full = await api.contact(ws, ct.id);
      setContact(full);
      const first = inboxes.find((i) => (full.identities ?? []).some((x) => x.inbox_id === i.id));
      setInboxId(first?.id ?? '');
    } catch (err) {
      setError((err as Error).message);
    }
  }

  async function create(e: FormEvent) {
    e.preventDefault();
    setError('');
    try {
      const ct = await request<Contact>(`/workspaces/${encodeURIComponent(ws)}/contacts`, {
        method: 'POST',
        body: {
          name: newName.trim(),
          ...(newInbox && newAddress.trim() ? { identities: [{ inbox_id: newInbox, source_id: newAddress.trim() }] } : {}),
        },
      });
      setCreating(false);
      await pick(ct);
    } catch (err) {
      setError((err as Error).message);
    }
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!contact || !inboxId) return;
    setBusy(true);
    setError('');
    try {
      onDone(
        await workdayApi.newChat(ws, { contact_id: contact.id, inbox_id: inboxId, content: content.trim(), ...(emailChannel ? { subject: subject.trim() } : {}) }),
      );
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  }

  return (
    <Modal title="New chat" onClose={onClose}>
      {!contact && !creating && (
        <div className="form">
          <div className="field">
            <label htmlFor="newchat-q">Contact</label>
            <input id="newchat-q" type="search" placeholder="Name, email or phone" value={q} onChange={(e) => setQ(e.target.value)} />
          </div>
          <ul className="pick-list" aria-label="Contacts">
            {found.map((ct) => (
              <li key={ct.id}>
                <button type="button" className="btn btn-ghost btn-block" onClick={() => pick(ct)}>
                  {ct.name || 'Unnamed'} <span className="muted">{ct.email || ct.phone || ''}</span>
                </button>
              </li>
            ))}
          </ul>
          <button type="button" className="btn btn-sm" onClick={() => setCreating(true)}>
            New contact…
          </button>
        </div>
      )}
      {creating && (
        <form className="form" onSubmit={create} aria-label="New contact">
          <div className="field">
            <label htmlFor="newchat-name">Name</label>
            <input id="newchat-name" required maxLength={200} value={newName} onChange={(e) => setNewName(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="newchat-inbox">Channel</label>
            <select id="newchat-inbox" value={newInbox} onChange={(e) => setNewInbox(e.target.value)}>
              <option value="">Pick a channel</option>
              {inboxes.map((i) => (
                <option key={i.id} value={i.id}>
                  {i.name} ({channelLabel(i.channel)})
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="newchat-address">Address on that channel (phone, chat id…)</label>
            <input id="newchat-address" maxLength={200} value={newAddress} onChange={(e) => setNewAddress(e.target.value)} />
          </div>
          <div className="row gap">
            <button type="submit" className="btn btn-primary">
              Create contact
            </button>
            <button type="button" className="btn" onClick={() => setCreating(false)}>
              Back
            </button>
          </div>
        </form>
      )}
      {contact && (
        <form className="form" onSubmit={submit} aria-label="First message">
          <p>
            To <strong>{contact.name}</strong>{' '}
            <button type="button" className="btn btn-ghost btn-sm" onClick={() => setContact(null)}>
              Change
            </button>
          </p>
          {channels.length === 0 ? (
            <p className="form-error">This contact has no channel to write on.</p>
          ) : (
            <div className="field">
              <label htmlFor="newchat-channel">Channel</label>
              <select id="newchat-channel" value={inboxId} onChange={(e) => setInboxId(e.target.value)}>
                {channels.map((i) => (
                  <option key={i.id} value={i.id}>
                    {i.name} ({channelLabel(i.channel)})
                  </option>
                ))}
              </select>
            </div>
          )}
          {emailChannel && <SubjectField value={subject} onChange={setSubject} />}
          {templateOnly ? (
            <NewChatTemplate ws={ws} contactId={contact.id} inboxId={inboxId} onDone={onDone} />
          ) : (
            <div className="field">
              <label htmlFor="newchat-content">Message</label>
              <textarea id="newchat-content" rows={4} required value={content} onChange={(e) => setContent(e.target.value)} />
            </div>
          )}
          <div className="row gap">
            <button type="submit" className="btn btn-primary" disabled={busy || !inboxId} hidden={templateOnly}>
              {busy ? 'Sending…' : 'Start chat'}
            </button>
            <button type="button" className="btn" onClick={onClose}>
              Cancel
            </button>
          </div>
        </form>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </Modal>
  );
}
