// The client card: everything about one person — fields, tags and custom
// attributes edited in place, every channel identity, previous
// conversations, the activity log — and the actions on them (mark, block,
// archive, merge).
import { useCallback, useEffect, useState } from 'react';
import { navigate } from '../../router';
import { useSession } from '../../session';
import { Avatar } from '../../ui';
import { STATUS_LABELS, channelLabel, fullTime } from '../../format';
import { contactsApi, type ActivityEntry, type AttributeDef, type ContactConversation, type FullContact } from './api';
import { AttributeField, EditableField, TagEditor } from './fields';
import { MergeDialog } from './MergeDialog';
import { ContactCalls } from '../calls/Calls';
import { NotesSection, PresetsSection, TasksSection } from './CardExtras';

const ACTIVITY: Record<string, string> = {
  'contact.create': 'Created',
  'contact.update': 'Changed',
  'contact.tags': 'Tags changed',
  'contact.block': 'Blocked',
  'contact.unblock': 'Unblocked',
  'contact.archive': 'Archived',
  'contact.unarchive': 'Unarchived',
  'contact.merge': 'Merged another contact in',
  'contact.merged_into': 'Merged into another contact',
  'contact.identity.add': 'Channel added',
  'contact.presets': 'Presets changed',
  'contact.note': 'Note added',
  'conversation.accept': 'Conversation accepted',
  'conversation.transfer': 'Conversation transferred',
  'conversation.update': 'Conversation assignment changed',
};

export function ClientCard({ contactId, headingId = 'client-card-title' }: { contactId: string; headingId?: string }) {
  const { workspace, user } = useSession();
  const ws = workspace.id;
  const isAdmin = workspace.role === 'admin';
  const [c, setC] = useState<FullContact | null>(null);
  const [defs, setDefs] = useState<AttributeDef[]>([]);
  const [convs, setConvs] = useState<ContactConversation[]>([]);
  const [activity, setActivity] = useState<ActivityEntry[]>([]);
  const [error, setError] = useState('');
  const [merging, setMerging] = useState(false);
  const [announce, setAnnounce] = useState('');

  const load = useCallback(async () => {
    try {
      const [contact, d, cv, act] = await Promise.all([
        contactsApi.get(ws, contactId),
        contactsApi.attributes(ws),
        contactsApi.conversations(ws, contactId),
        contactsApi.activity(ws, contactId),
      ]);
      setC(contact);
      setDefs(d.items ?? []);
      setConvs(cv.items ?? []);
      setActivity(act.items ?? []);
      setError('');
    } catch (e) {
      setError((e as Error).message);
    }
  }, [ws, contactId]);
  useEffect(() => {
    setC(null);
    load();
  }, [load]);

  const patch = async (body: Partial<FullContact>) => {
    await contactsApi.update(ws, contactId, body);
    await load();
  };
  const act = async (fn: () => Promise<unknown>, said: string) => {
    try {
      await fn();
      setAnnounce(said);
      await load();
    } catch (e) {
      setError((e as Error).message);
    }
  };

  if (!c) return <p className="muted pad">{error || 'Loading the contact…'}</p>;
  const latestOn = (inbox: string) => convs.find((x) => x.inbox_id === inbox && !x.blocked);
  return (
    <section className="client-card" aria-labelledby={headingId}>
      <div className="contact-head">
        <Avatar name={c.name} url={c.avatar_url} id={c.id} size={48} />
        <div>
          <h2 id={headingId} className="card-title">
            {c.name || 'Unnamed contact'}
          </h2>
          <p className="muted">
            {c.blocked && <span className="tag tag-danger">Blocked</span>} {c.archived && <span className="tag">Archived</span>}
          </p>
        </div>
        <button
          type="button"
          className="btn btn-ghost btn-sm"
          aria-pressed={c.marked}
          aria-keyshortcuts="Control+Shift+A"
          onClick={() => act(() => contactsApi.mark(ws, c.id, !c.marked), c.marked ? 'Unmarked' : 'Marked')}
        >
          {c.marked ? '★ Marked' : '☆ Mark'}
        </button>
      </div>
      {error && (
        <p className="cc-error" role="alert">
          {error}
        </p>
      )}
      <div className="cc-actions">
        {isAdmin && (
          <button
            type="button"
            className={c.blocked ? 'btn btn-sm' : 'btn btn-sm btn-danger'}
            onClick={() => act(() => contactsApi.update(ws, c.id, { blocked: !c.blocked }), c.blocked ? 'Contact unblocked' : 'Contact blocked')}
          >
            {c.blocked ? 'Unblock' : 'Block'}
          </button>
        )}
        <button
          type="button"
          className="btn btn-sm"
          onClick={() => act(() => contactsApi.update(ws, c.id, { archived: !c.archived }), c.archived ? 'Contact unarchived' : 'Contact archived')}
        >
          {c.archived ? 'Unarchive' : 'Archive'}
        </button>
        <button type="button" className="btn btn-sm" onClick={() => setMerging(true)}>
          Merge…
        </button>
      </div>

      <h3 className="cc-h">Details</h3>
      <EditableField label="Name" value={c.name} onSave={(v) => patch({ name: v })} />
      <EditableField label="Email" value={c.email} type="email" onSave={(v) => patch({ email: v })} />
      <EditableField label="Phone" value={c.phone} type="tel" onSave={(v) => patch({ phone: v })} />
      <EditableField label="Company" value={c.company} onSave={(v) => patch({ company: v })} />
      <EditableField label="Job title" value={c.title} onSave={(v) => patch({ title: v })} />
      <EditableField label="Avatar URL" value={c.avatar_url} type="url" onSave={(v) => patch({ avatar_url: v })} />

      <h3 className="cc-h">Tags</h3>
      <TagEditor tags={c.tags} onChange={(tags) => patch({ tags })} />

      <h3 className="cc-h">Attributes</h3>
      {defs.length === 0 && <p className="muted">No custom attributes are defined.</p>}
      {defs.map((d) => (
        <AttributeField
          key={d.key}
          def={d}
          value={c.attributes[d.key] ?? ''}
          onSave={(v) => patch({ attributes: { ...c.attributes, [d.key]: v } })}
        />
      ))}

      <h3 className="cc-h">Channels</h3>
      <ul className="cc-list" aria-label="Channels">
        {c.identities.map((i) => {
          const conv = latestOn(i.inbox_id);
          return (
            <li key={i.inbox_id + i.source_id}>
              <span>{i.source_id}</span>{' '}
              {conv ? (
                <button type="button" className="btn btn-ghost btn-xs" onClick={() => navigate('/conversations/' + conv.id)}>
                  Open chat on {channelLabel(conv.channel)}
                </button>
              ) : (
                <span className="muted">no conversation yet</span>
              )}
            </li>
          );
        })}
      </ul>

      <h3 className="cc-h">Conversations</h3>
      <ul className="cc-list" aria-label="Previous conversations">
        {convs.length === 0 && <li className="muted">None yet.</li>}
        {convs.map((x) => (
          <li key={x.id}>
            {x.blocked ? (
              <span>
                #{x.number} <span className="tag tag-danger">held while blocked</span>
              </span>
            ) : (
              <a
                href={'/conversations/' + x.id}
                onClick={(e) => {
                  e.preventDefault();
                  navigate('/conversations/' + x.id);
                }}
              >
                #{x.number} {STATUS_LABELS[x.status] ?? x.status}
              </a>
            )}{' '}
            <span className="muted">{x.last_message?.content ?? ''}</span>
          </li>
        ))}
      </ul>

      <ContactCalls ws={ws} contactId={c.id} />
      <TasksSection ws={ws} contactId={c.id} />
      <NotesSection ws={ws} contactId={c.id} meId={user.id} isAdmin={isAdmin} />
      <PresetsSection ws={ws} contactId={c.id} isAdmin={isAdmin} />

      <h3 className="cc-h">Activity</h3>
      <ol className="cc-list" aria-label="Activity log">
        {activity.map((a, i) => (
          <li key={i}>
            {ACTIVITY[a.action] ?? a.action} <span className="muted">{fullTime(a.created_at)}</span>
          </li>
        ))}
      </ol>
      {merging && (
        <MergeDialog
          survivor={c}
          onClose={() => setMerging(false)}
          onMerged={() => {
            setMerging(false);
            setAnnounce('Contacts merged');
            load();
          }}
        />
      )}
      <div className="sr-only" role="status" aria-live="polite">
        {announce}
      </div>
    </section>
  );
}
