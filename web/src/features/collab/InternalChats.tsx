// Internal chats in the inbox sidebar (seed 002): one-to-one chats with
// colleagues or oneself, unread counts, live; a chat opens in a panel.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Member } from '../../types';
import { chatAttachmentURL, collabApi, type InternalChat, type InternalMessage } from './api';
import { useCollabEvents } from './bus';
import { applyChatMessage, unreadTotal } from './internalChats';

export function InternalChats({ ws, meId, members }: { ws: string; meId: string; members: Member[] }) {
  const [chats, setChats] = useState<InternalChat[]>([]);
  const [openId, setOpenId] = useState<string | null>(null);
  const [picking, setPicking] = useState(false);
  const [error, setError] = useState('');
  const openRef = useRef(openId);
  openRef.current = openId;

  const reload = useCallback(() => {
    collabApi.chats(ws).then(
      (p) => setChats(p.items ?? []),
      (err) => setError((err as Error).message),
    );
  }, [ws]);
  useEffect(() => {
    reload();
  }, [reload]);

  useCollabEvents((e) => {
    const d = e.data as { chat_id?: string; message?: InternalMessage };
    if (!d?.chat_id) return;
    if (e.type === 'internal_chat.message' && d.message) {
      const m = d.message;
      setChats((l) => {
        const next = applyChatMessage(l, m, meId, openRef.current);
        if (next === null) {
          reload();
          return l;
        }
        return next;
      });
      if (openRef.current === m.chat_id && m.sender_id !== meId) collabApi.readChat(ws, m.chat_id).catch(() => {});
    } else if (e.type === 'internal_chat.read') {
      setChats((l) => l.map((c) => (c.id === d.chat_id ? { ...c, unread_count: 0 } : c)));
    } else if (e.type === 'internal_chat.deleted') {
      setChats((l) => l.filter((c) => c.id !== d.chat_id));
      if (openRef.current === d.chat_id) setOpenId(null);
    }
  });

  const open = async (userId: string) => {
    setPicking(false);
    try {
      const c = await collabApi.openChat(ws, userId);
      setChats((l) => (l.some((x) => x.id === c.id) ? l : [c, ...l]));
      setOpenId(c.id);
    } catch (err) {
      setError((err as Error).message);
    }
  };

  const total = unreadTotal(chats);
  const current = chats.find((c) => c.id === openId) ?? null;
  return (
    <section className="internal" aria-label="Internal">
      <div className="internal-head">
        <h2>
          Internal{' '}
          {total > 0 && (
            <span className="badge" aria-label={`${total} unread`}>
              {total}
            </span>
          )}
        </h2>
        <button type="button" className="btn btn-ghost btn-sm" onClick={() => setPicking((p) => !p)} aria-expanded={picking}>
          New chat
        </button>
      </div>
      {picking && (
        <ul className="internal-people" aria-label="Chat with">
          {members.map((m) => (
            <li key={m.id}>
              <button type="button" className="linkish" onClick={() => open(m.id)}>
                {m.id === meId ? `${m.name || m.email} (you: notes)` : m.name || m.email}
              </button>
            </li>
          ))}
        </ul>
      )}
      {error && <p className="form-error">{error}</p>}
      <ul className="internal-list">
        {chats.map((c) => (
          <li key={c.id}>
            <button
              type="button"
              className={'internal-item' + (c.id === openId ? ' current' : '') + (c.unread_count ? ' unread' : '')}
              onClick={() => {
                setOpenId(c.id);
                if (c.unread_count) {
                  setChats((l) => l.map((x) => (x.id === c.id ? { ...x, unread_count: 0 } : x)));
                  collabApi.readChat(ws, c.id).catch(() => {});
                }
              }}
            >
              <span className="internal-name">{c.with.id === meId ? 'Notes to self' : c.with.name}</span>
              {c.unread_count > 0 && (
                <span className="badge" aria-label={`${c.unread_count} unread`}>
                  {c.unread_count}
                </span>
              )}
            </button>
          </li>
        ))}
      </ul>
      {current && <ChatPanel ws={ws} chat={current} meId={meId} onClose={() => setOpenId(null)} />}
    </section>
  );
}

function ChatPanel({ ws, chat, meId, onClose }: { ws: string; chat: InternalChat; meId: string; onClose: () => void }) {
  const [messages, setMessages] = useState<InternalMessage[]>([]);
  const [text, setText] = useState('');
  const [error, setError] = useState('');
  const [sending, setSending] = useState(false);
  const listEnd = useRef<HTMLLIElement>(null);

  useEffect(() => {
    let gone = false;
    setMessages([]);
    collabApi.chatMessages(ws, chat.id).then(
      (p) => !gone && setMessages(p.items ?? []),
      (err) => !gone && setError((err as Error).message),
    );
    return () => {
      gone = true;
    };
  }, [ws, chat.id]);

  useCollabEvents((e) => {
    const d = e.data as { chat_id?: string; message?: InternalMessage };
    if (e.type === 'internal_chat.message' && d?.chat_id === chat.id && d.message) {
      const m = d.message;
      setMessages((l) => (l.some((x) => x.id === m.id) ? l : [...l, m]));
    }
  });

  // A block body: scrollIntoView may answer a promise, which must not become the effect's clean-up.
  useEffect(() => {
    listEnd.current?.scrollIntoView?.({ block: 'end' });
  }, [messages.length]);

  const send = async () => {
    const content = text.trim();
    if (!content || sending) return;
    setSending(true);
    setError('');
    try {
      const m = await collabApi.sendChat(ws, chat.id, content);
      setMessages((l) => (l.some((x) => x.id === m.id) ? l : [...l, m]));
      setText('');
    } catch (err) {
      setError((err as Error).message || 'The message was not sent.');
    } finally {
      setSending(false);
    }
  };

  const title = chat.with.id === meId ? 'Notes to self' : chat.with.name;
  return (
    <div className="chat-panel" role="dialog" aria-label={`Internal chat with ${title}`}>
      <div className="chat-panel-head">
        <strong>{title}</strong>
        <button type="button" className="btn btn-ghost btn-sm" aria-label="Close chat" onClick={onClose}>
          ✕
        </button>
      </div>
      <ul className="chat-messages" aria-label="Messages">
        {messages.map((m) => (
          <li key={m.id} className={'chat-msg' + (m.sender_id === meId ? ' mine' : '')} data-message-id={m.id}>
            <span className="chat-author muted">{m.sender_id === meId ? 'You' : m.sender_name}</span>
            {m.content && <span className="chat-text">{m.content}</span>}
            {(m.attachments ?? []).map((a) => (
              <a key={a.id} href={chatAttachmentURL(ws, m, a)} download={a.file_name}>
                {a.file_name}
              </a>
            ))}
          </li>
        ))}
        <li ref={listEnd} aria-hidden="true" />
      </ul>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <form
        className="chat-form"
        onSubmit={(e) => {
          e.preventDefault();
          send();
        }}
      >
        <textarea
          aria-label="Internal message"
          rows={2}
          value={text}
          placeholder="Write to your colleague…"
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
              e.preventDefault();
              send();
            }
          }}
        />
        <button type="submit" className="btn btn-primary btn-sm" disabled={!text.trim() || sending}>
          Send
        </button>
      </form>
    </div>
  );
}
