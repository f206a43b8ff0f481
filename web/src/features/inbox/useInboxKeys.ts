// The inbox's keyboard shortcuts (the ? dialog lists them): list moves,
// Alt+letter actions on the open conversation, / for search.
import { useEffect, useRef, type RefObject } from 'react';
import type { ComposerHandle } from '../../Composer';
import type { FindRow } from '../find/Find';

export type DialogKind = 'transfer' | 'resolve' | 'merge' | 'newchat' | null;

/** InboxKeys are the actions and the state the shortcuts read (the latest on each key press). */
export interface InboxKeys {
  move: (delta: number, andOpen: boolean) => void;
  open: (id: string, msgId?: string) => void;
  close: () => void;
  toggleResolved: () => void;
  assignToMe: () => void;
  accept: () => void;
  openDialog: (d: DialogKind) => void;
  setView: (v: string) => void;
  showHelp: () => void;
  visible: FindRow[];
  activeIndex: number;
  conversationId: string | null;
  /** blocked is true while a dialog is open: it owns the keyboard. */
  blocked: boolean;
}

export interface KeyTargets {
  composer: RefObject<ComposerHandle | null>;
  search: RefObject<HTMLInputElement | null>;
  list: RefObject<HTMLElement | null>;
}

export function isEditable(el: EventTarget | null): boolean {
  if (!(el instanceof HTMLElement)) return false;
  const tag = el.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') {
    const type = (el as HTMLInputElement).type;
    return !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(type);
  }
  return el.isContentEditable;
}

function isActivatable(el: EventTarget | null): boolean {
  if (!(el instanceof HTMLElement)) return false;
  return ['BUTTON', 'A', 'SUMMARY', 'INPUT', 'SELECT', 'TEXTAREA'].includes(el.tagName);
}

// e.code: on macOS Alt+letter types a symbol, so e.key is not the letter.
function altKey(code: string, k: InboxKeys, t: KeyTargets): boolean {
  switch (code) {
    case 'KeyR':
      k.toggleResolved();
      return true;
    case 'KeyN':
      t.composer.current?.focus('note');
      return true;
    case 'KeyM':
      t.composer.current?.focus('reply');
      return true;
    case 'KeyU':
      t.composer.current?.attach();
      return true;
    case 'KeyA':
      k.assignToMe();
      return true;
    case 'KeyY':
      k.accept();
      return true;
    case 'KeyT':
      k.openDialog('transfer');
      return true;
    case 'KeyG':
      k.openDialog('merge');
      return true;
    case 'KeyC':
      k.openDialog('newchat');
      return true;
    case 'Digit4':
      k.setView('queued');
      return true;
    case 'Digit1':
      k.setView('all');
      return true;
    case 'Digit2':
      k.setView('mine');
      return true;
    case 'Digit3':
      k.setView('unassigned');
      return true;
  }
  return false;
}

function plainKey(e: KeyboardEvent, k: InboxKeys, t: KeyTargets) {
  switch (e.key) {
    case '?':
      e.preventDefault();
      k.showHelp();
      break;
    case '/':
      e.preventDefault();
      t.search.current?.focus();
      t.search.current?.select();
      break;
    case 'ArrowDown':
    case 'ArrowUp':
      e.preventDefault();
      k.move(e.key === 'ArrowUp' ? -1 : 1, false);
      t.list.current?.querySelector<HTMLElement>('[role=listbox]')?.focus();
      break;
    case 'Enter': {
      if (isActivatable(e.target)) return;
      const c = k.visible[k.activeIndex];
      if (c) {
        e.preventDefault();
        k.open(c.id, c.hit?.message_id);
      }
      break;
    }
    case 'Escape':
      if (k.conversationId) {
        e.preventDefault();
        k.close();
      }
      break;
  }
}

/** useInboxKeys listens on the window for the inbox's shortcuts. */
export function useInboxKeys(keys: InboxKeys, targets: KeyTargets) {
  const keysRef = useRef(keys);
  keysRef.current = keys;
  const targetsRef = useRef(targets);
  targetsRef.current = targets;

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const k = keysRef.current;
      const t = targetsRef.current;
      if (k.blocked || e.defaultPrevented) return;
      if (e.ctrlKey && e.shiftKey && !e.altKey && (e.key === 'ArrowUp' || e.key === 'ArrowDown')) {
        e.preventDefault();
        k.move(e.key === 'ArrowUp' ? -1 : 1, true);
        return;
      }
      if (e.altKey && !e.ctrlKey && !e.metaKey) {
        if (altKey(e.code, k, t)) e.preventDefault();
        return;
      }
      if (isEditable(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
      plainKey(e, k, t);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
