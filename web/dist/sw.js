// Parley's service worker: shows Web Push notifications (with the tab
// closed too), badges the app icon, and opens the conversation on click.
// It caches nothing: the app always comes from the server.
self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('push', (event) => {
  let msg = {};
  try {
    msg = event.data ? event.data.json() : {};
  } catch {
    msg = { title: 'Parley', body: event.data ? event.data.text() : '' };
  }
  const title = msg.title || 'Parley';
  const show = self.registration.showNotification(title, {
    body: msg.body || '',
    tag: msg.tag || undefined,
    renotify: !!msg.tag,
    icon: '/icon-192.png',
    badge: '/icon-192.png',
    data: { url: msg.url || '/', id: msg.notification_id || '' },
  });
  const badge =
    self.navigator && 'setAppBadge' in self.navigator ? self.navigator.setAppBadge(msg.count || 1).catch(() => {}) : Promise.resolve();
  // Open tabs hear about it too (the tests' hook, and a live bell).
  const tell = self.clients
    .matchAll({ type: 'window', includeUncontrolled: true })
    .then((tabs) => tabs.forEach((t) => t.postMessage({ type: 'push', message: msg })));
  event.waitUntil(Promise.all([show, badge, tell]));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = new URL((event.notification.data && event.notification.data.url) || '/', self.location.origin).href;
  event.waitUntil(
    self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((tabs) => {
      for (const t of tabs) {
        if (new URL(t.url).origin === self.location.origin && 'focus' in t) {
          return t.navigate(url).then((c) => (c || t).focus());
        }
      }
      return self.clients.openWindow(url);
    }),
  );
});
