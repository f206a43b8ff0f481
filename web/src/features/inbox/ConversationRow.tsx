// One row of the conversation list: contact, labels, time, preview (or the
// search snippet, or "typing…"), draft pencil, queue and AI tags, unread badge.
import type { CSSProperties } from 'react';
import { listTime, previewPrefix } from '../../format';
import type { Member } from '../../types';
import { Avatar, ChannelIcon } from '../../ui';
import { SearchSnippet, type FindRow } from '../find/Find';
import { LabelDots } from '../labels/LabelDots';
import type { useRowMenu } from '../labels/useRowMenu';

export const ROW_HEIGHT = 68;

export interface ConversationRowProps {
  c: FindRow;
  index: number;
  meId: string;
  members: Map<string, Member>;
  open: boolean;
  active: boolean;
  typing: boolean;
  /** setSize is the list's length, -1 while more pages exist. */
  setSize: number;
  rowMenu: ReturnType<typeof useRowMenu>;
  onOpen: (id: string, msgId?: string) => void;
}

export function ConversationRow({ c, index, meId, members, open, active, typing, setSize, rowMenu, onOpen }: ConversationRowProps) {
  const unread = c.unread_count > 0;
  const lm = c.last_message;
  const prefix = previewPrefix(lm, meId, (id) => members.get(id)?.name);
  const classes = ['conv-row'];
  if (unread) classes.push('unread');
  if (open) classes.push('open');
  if (active) classes.push('active');
  const labelColour = rowMenu.colourOfRow(c.labels);
  if (labelColour) classes.push('labelled');
  if (rowMenu.menuOpenFor === c.id) classes.push('menu-open');
  return (
    <div
      id={'conv-' + c.id}
      role="option"
      aria-selected={open}
      aria-posinset={index + 1}
      aria-setsize={setSize}
      className={classes.join(' ')}
      data-id={c.id}
      data-label-colour={labelColour || undefined}
      style={labelColour ? ({ '--label-colour': labelColour } as CSSProperties) : undefined}
      onClick={() => onOpen(c.id, c.hit?.message_id)}
      onContextMenu={(e) => rowMenu.onContextMenu(c, e)}
    >
      <Avatar name={c.contact?.name} url={c.contact?.avatar_url} id={c.contact?.id} size={36} />
      <div className="conv-main">
        <div className="conv-top">
          <span className="conv-name">{c.contact?.name || 'Unknown contact'}</span>
          <LabelDots labels={c.labels} cat={rowMenu.cat.labels} />
          <time className="conv-time" dateTime={c.last_activity_at}>
            {listTime(c.last_activity_at)}
          </time>
        </div>
        {c.subject && (
          <div className="conv-subject" data-testid="conv-subject">
            {c.subject}
          </div>
        )}
        <div className="conv-bottom">
          <ChannelIcon channel={lm?.channel || c.inbox?.channel} />
          <span className="conv-preview">
            {c.hit?.snippet ? <SearchSnippet hit={c.hit} /> : typing ? <em>typing…</em> : prefix + (lm ? lm.content || 'Attachment' : 'No messages yet')}
          </span>
          {c.has_draft && (
            <span className="draft-pencil" title="You have a draft here" aria-label="Draft">
              ✎
            </span>
          )}
          {c.status === 'queued' && <span className="tag tag-xs tag-queued">Queued</span>}
          {c.ai_mode === 'active' && <span className="tag tag-ai tag-xs">AI</span>}
          {unread && (
            <span className="badge" aria-label={`${c.unread_count} unread`}>
              {c.unread_count > 99 ? '99+' : c.unread_count}
            </span>
          )}
        </div>
      </div>
    </div>
  );
}
