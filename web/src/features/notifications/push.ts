// Web Push on this device: the service worker (/sw.js) and the subscription
// the server pushes to.
import { notificationsApi } from './api';

export function pushSupported(): boolean {
  return typeof navigator !== 'undefined' && 'serviceWorker' in navigator && typeof window !== 'undefined' && 'PushManager' in window;
}

/** registerServiceWorker installs /sw.js (also what makes the app installable). */
export function registerServiceWorker() {
  if (typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return;
  navigator.serviceWorker.register('/sw.js').catch(() => {});
}

function keyBytes(b64: string): Uint8Array<ArrayBuffer> {
  const pad = '='.repeat((4 - (b64.length % 4)) % 4);
  const raw = atob((b64 + pad).replace(/-/g, '+').replace(/_/g, '/'));
  const out = new Uint8Array(new ArrayBuffer(raw.length));
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

/** enablePush asks for permission, subscribes with the server's VAPID key and registers the subscription. */
export async function enablePush(): Promise<string> {
  if (!pushSupported()) return 'This browser cannot receive push notifications.';
  const perm = await Notification.requestPermission();
  if (perm !== 'granted') return 'Notifications are blocked for this site in the browser.';
  const reg = await navigator.serviceWorker.register('/sw.js');
  await navigator.serviceWorker.ready;
  const { public_key } = await notificationsApi.pushKey();
  let sub = await reg.pushManager.getSubscription();
  if (!sub) sub = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(public_key) });
  await notificationsApi.subscribe(sub.toJSON());
  return 'Push notifications are on for this device.';
}
