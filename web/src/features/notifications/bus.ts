// The live notifications: the inbox's WebSocket hands notification.created
// events here, and the bell (on every screen) listens.
import type { AppNotification } from './api';

type Listener = (n: AppNotification) => void;

const listeners = new Set<Listener>();

/** publishNotification passes a notification.created event's data on. */
export function publishNotification(data: unknown) {
  const n = data as AppNotification;
  if (!n || typeof n.id !== 'string') return;
  listeners.forEach((l) => l(n));
}

/** onNotification subscribes to live notifications; it returns the unsubscribe. */
export function onNotification(l: Listener): () => void {
  listeners.add(l);
  return () => {
    listeners.delete(l);
  };
}

/** link is where a notification leads in the app. */
export function link(n: Pick<AppNotification, 'conversation_id' | 'inbox_id'>): string {
  if (n.conversation_id) return '/conversations/' + n.conversation_id;
  if (n.inbox_id) return '/settings/inboxes/' + n.inbox_id;
  return '/settings/notifications';
}

/** setBadge shows the unread count on the installed app's icon, where the Badging API exists. */
export function setBadge(count: number) {
  const nav = navigator as Navigator & { setAppBadge?: (n?: number) => Promise<void>; clearAppBadge?: () => Promise<void> };
  try {
    if (count > 0) nav.setAppBadge?.(count)?.catch(() => {});
    else nav.clearAppBadge?.()?.catch(() => {});
  } catch {
    // Not supported or not allowed: the bell still shows the count.
  }
}

let audio: AudioContext | null = null;

/** chime plays a short two-note sound (no file: WebAudio). */
export function chime() {
  try {
    const Ctx = window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
    if (!Ctx) return;
    audio ??= new Ctx();
    const t = audio.currentTime;
    for (const [i, f] of [880, 1320].entries()) {
      const o = audio.createOscillator();
      const g = audio.createGain();
      o.frequency.value = f;
      g.gain.setValueAtTime(0.0001, t + i * 0.12);
      g.gain.exponentialRampToValueAtTime(0.15, t + i * 0.12 + 0.02);
      g.gain.exponentialRampToValueAtTime(0.0001, t + i * 0.12 + 0.25);
      o.connect(g).connect(audio.destination);
      o.start(t + i * 0.12);
      o.stop(t + i * 0.12 + 0.3);
    }
  } catch {
    // Autoplay rules may refuse before the first click: silence is fine.
  }
}

const SOUND_KEY = 'parley.sound';

/** soundOn is this browser's sound switch (on unless turned off). */
export function soundOn(): boolean {
  try {
    return localStorage.getItem(SOUND_KEY) !== 'off';
  } catch {
    return true;
  }
}

export function setSoundOn(on: boolean) {
  try {
    localStorage.setItem(SOUND_KEY, on ? 'on' : 'off');
  } catch {
    // Private mode: the switch lasts for the page.
  }
}
