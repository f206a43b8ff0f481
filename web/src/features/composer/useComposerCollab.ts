// What the composer needs for canned replies and mentions in the open
// conversation: the server's renderer and the colleagues who can see it.
import { useMemo } from 'react';
import type { Conversation, Member } from '../../types';
import { collabApi } from '../collab/api';
import type { ComposerCollab } from './useComposerExtras';

/** canSee mirrors the server's rule closely enough for a picker: the server still refuses anyone else by name. */
export function mentionable(c: Conversation | null, members: Member[], meId: string) {
  if (!c) return [];
  const vis = c.visible_to;
  return members
    .filter((m) => m.id !== meId)
    .filter((m) => m.role === 'admin' || !vis || vis.includes(m.id))
    .map((m) => ({ id: m.id, name: m.name || m.email }));
}

export function useComposerCollab(ws: string, current: Conversation | null, members: Member[], meId: string): ComposerCollab | undefined {
  const id = current?.id;
  const colleagues = useMemo(() => mentionable(current, members, meId), [current, members, meId]);
  return useMemo(() => {
    if (!id) return undefined;
    return {
      canned: async () => (await collabApi.canned(ws)).items ?? [],
      render: (template: string) => collabApi.render(ws, id, template),
      variables: async () => (await collabApi.variables(ws, id)).items ?? [],
      colleagues,
    };
  }, [ws, id, colleagues]);
}
