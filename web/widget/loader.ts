// The web-chat loader, served at /widget.js and embedded by a website with
// one <script data-parley-token="…"> tag. It paints the launcher at once in
// a closed shadow root (the page's CSS cannot reach it, and it reads
// nothing of the page) and loads the chat window (widget/window.js) when
// the visitor opens it, or at idle for a returning visitor, whose unread
// replies the launcher then counts. It must stay under 5 KB gzipped.
import type { Widget, WindowAPI, WidgetHost } from './types';

declare global {
  interface Window {
    ParleyWidget?: WindowAPI;
    parleySettings?: { identifier?: string; identifier_hash?: string; name?: string; email?: string };
  }
}

const CSS = `:host{all:initial}
.l{position:fixed;bottom:20px;width:56px;height:56px;border-radius:50%;border:0;cursor:pointer;color:#fff;
box-shadow:0 4px 14px rgba(0,0,0,.25);z-index:2147483000;display:flex;align-items:center;justify-content:center}
.l:focus-visible{outline:3px solid #fff;outline-offset:-6px}
.l svg{width:26px;height:26px;fill:currentColor}
.b{position:absolute;top:-4px;right:-4px;min-width:20px;height:20px;border-radius:10px;background:#d1242f;color:#fff;
font:600 12px/20px system-ui,sans-serif;text-align:center;padding:0 5px;box-sizing:border-box}
.b[hidden]{display:none}`;

const ICON = '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z"/></svg>';

function boot(script: HTMLScriptElement) {
  const token = script.dataset.parleyToken || '';
  const base = new URL(script.src, location.href).origin;
  const host = document.createElement('div');
  host.setAttribute('data-parley-widget', '');
  const root = host.attachShadow({ mode: 'open' });
  root.innerHTML = `<style>${CSS}</style><button class="l" type="button" aria-label="Open chat" aria-expanded="false" aria-haspopup="dialog">${ICON}<span class="b" hidden aria-label="unread messages"></span></button>`;
  document.body.appendChild(host);
  const button = root.querySelector('button') as HTMLButtonElement;
  const badge = root.querySelector('.b') as HTMLElement;
  const place = (color: string, position: string) => {
    button.style.background = color;
    button.style[position === 'left' ? 'left' : 'right'] = '20px';
  };
  place('#1f6feb', 'right');
  performance.mark('parley-launcher');

  let api: Widget | undefined;
  let loading: Promise<Widget> | undefined;
  const widgetHost: WidgetHost = {
    base, token, root, settings: window.parleySettings,
    unread(n) {
      badge.hidden = n <= 0;
      badge.textContent = n > 9 ? '9+' : String(n);
    },
    opened(open) {
      button.setAttribute('aria-expanded', String(open));
      button.setAttribute('aria-label', open ? 'Close chat' : 'Open chat');
      if (!open) button.focus();
    },
    style: place,
  };
  const load = () =>
    (loading ||= new Promise<WindowAPI>((resolve, reject) => {
      const s = document.createElement('script');
      s.src = base + '/widget/window.js';
      s.async = true;
      s.onload = () => (window.ParleyWidget ? resolve(window.ParleyWidget) : reject(new Error('no window')));
      s.onerror = () => {
        loading = undefined;
        reject(new Error('the chat could not be loaded'));
      };
      document.head.appendChild(s);
    }).then((w) => (api = w.mount(widgetHost))));
  button.addEventListener('click', () => {
    if (api) api.toggle();
    else load().then((a) => a.toggle(), () => button.setAttribute('aria-label', 'Chat unavailable, try again'));
  });
  // A returning visitor's window connects at idle, so that the launcher
  // can count the replies that arrive while it is closed.
  try {
    if (localStorage.getItem('parley:' + token)) {
      const idle = (window as { requestIdleCallback?: (f: () => void) => void }).requestIdleCallback || ((f: () => void) => setTimeout(f, 200));
      idle(() => void load().catch(() => undefined));
    }
  } catch {
    /* storage refused: the visitor starts afresh on open */
  }
}

const me = (document.currentScript as HTMLScriptElement | null) || document.querySelector<HTMLScriptElement>('script[data-parley-token]');
if (me) {
  if (document.body) boot(me);
  else document.addEventListener('DOMContentLoaded', () => boot(me));
}
