// The web-chat window, loaded by the loader (widget.js) into its closed
// shadow root: the visitor's conversation, the pre-chat form, the greeting
// or the away message, typing both ways, files both ways, agents' names and
// avatars, delivery and read state both ways, and the unread count.
// Plain TypeScript, no framework: it must stay under 60 KB gzipped.
import type { WidgetHost, WindowAPI } from './types';
import { WidgetClient, type VisitorFile, type VisitorMessage, type WidgetSettings } from './client';

const CSS = `
.w{position:fixed;bottom:88px;width:360px;max-width:calc(100vw - 24px);height:520px;max-height:calc(100vh - 110px);
background:#fff;color:#1f2328;border-radius:12px;box-shadow:0 8px 30px rgba(0,0,0,.25);display:flex;flex-direction:column;
font:14px/1.4 system-ui,-apple-system,Segoe UI,sans-serif;z-index:2147483000;overflow:hidden}
.w[hidden]{display:none}
.h{display:flex;align-items:center;justify-content:space-between;padding:12px 14px;color:#fff}
.h h2{font-size:16px;margin:0}
.x{background:transparent;border:0;color:#fff;font-size:22px;cursor:pointer;line-height:1}
.away{background:#fff8c5;padding:8px 14px;font-size:13px}
.log{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:6px;margin:0;list-style:none}
.m{max-width:80%;padding:8px 10px;border-radius:12px;white-space:pre-wrap;word-wrap:break-word}
.m.agent{background:#f0f2f5;align-self:flex-start}
.m.visitor{color:#fff;align-self:flex-end}
.who{display:block;font-size:11px;opacity:.75;margin-bottom:2px}
.st{display:block;font-size:11px;opacity:.8;text-align:right}
.t{font-size:12px;color:#59636e;padding:0 14px 4px;min-height:16px}
form{display:flex;gap:6px;padding:10px;border-top:1px solid #d1d9e0}
textarea{flex:1;resize:none;border:1px solid #d1d9e0;border-radius:8px;padding:8px;font:inherit;height:40px}
button.s{border:0;border-radius:8px;color:#fff;padding:0 14px;cursor:pointer;font:inherit}
.pre{padding:14px;display:flex;flex-direction:column;gap:8px}
.pre label{display:flex;flex-direction:column;gap:3px;font-size:13px}
.pre input{border:1px solid #d1d9e0;border-radius:6px;padding:7px;font:inherit}
.err{color:#d1242f;font-size:13px;padding:0 14px}
.who{display:flex;align-items:center;gap:5px}
.av{width:18px;height:18px;border-radius:50%;object-fit:cover}
.att{display:block;margin-top:4px}
.att img{max-width:100%;max-height:180px;border-radius:6px;display:block}
.att a{color:inherit;text-decoration:underline;cursor:pointer}
.files{display:flex;flex-wrap:wrap;gap:4px;padding:0 10px;margin:0;list-style:none;font-size:12px}
.files li{background:#f0f2f5;border-radius:10px;padding:2px 4px 2px 8px}
.files button,button.a{background:transparent;border:0;cursor:pointer;font:inherit;color:#59636e}
button.a{font-size:20px;padding:0 4px}
`;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

const statusWords: Record<string, string> = { sent: 'Sent', delivered: 'Delivered', read: 'Read' };
const statusRank: Record<string, number> = { sent: 1, delivered: 2, read: 3 };

/** newClientId names one message, kept across retries of its send. */
const newClientId = () => Math.random().toString(36).slice(2) + Date.now().toString(36);

class ChatWindow {
  private open = false;
  private failed = false;
  private unread = 0;
  private settings: WidgetSettings | undefined;
  private readonly box = el('section', { class: 'w', role: 'dialog', 'aria-label': 'Chat', hidden: '' });
  private readonly log = el('ol', { class: 'log', role: 'log', 'aria-live': 'polite' });
  private readonly typing = el('div', { class: 't', 'aria-live': 'polite' });
  private readonly err = el('div', { class: 'err', role: 'alert' });
  private readonly input = el('textarea', { 'aria-label': 'Message', placeholder: 'Write a message…', maxlength: '20000' });
  private readonly seen = new Map<string, HTMLElement>();
  private readonly fileInput = el('input', { type: 'file', hidden: '', 'aria-label': 'File to attach' });
  private readonly files = el('ul', { class: 'files', 'aria-label': 'Files to send' });
  private pending: VisitorFile[] = [];
  private uploading = 0;
  private clientId = newClientId();
  private typingTimer = 0;
  private typingSent = 0;
  private readonly client: WidgetClient;

  constructor(private readonly host: WidgetHost) {
    this.client = new WidgetClient(host.base, host.token, host.settings, {
      message: (m) => this.add(m, true),
      typing: (on, name) => this.showTyping(on, name),
      read: (_conv, at) => this.readUpTo(at),
    });
    this.fileInput.addEventListener('change', () => void this.attach());
    const style = el('style');
    style.textContent = CSS;
    host.root.append(style, this.box);
    this.box.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') this.toggle();
    });
    void this.start();
  }

  private async start() {
    try {
      this.settings = await this.client.settings();
      this.host.style(this.settings.color, this.settings.position);
      await this.client.ensureVisitor();
      this.render();
      const page = await this.client.messages();
      for (const m of page.items) this.add(m, false);
      // Replies the visitor has not read yet: counted on the launcher, and
      // the agents learn the widget has them.
      this.unread = page.items.filter((m) => m.from === 'agent' && m.status !== 'read').length;
      if (this.unread) {
        if (this.open) this.markSeen();
        else {
          this.host.unread(this.unread);
          this.client.seen('delivered');
        }
      }
      this.client.connect();
    } catch (e) {
      this.failed = true;
      this.render();
      this.err.textContent = e instanceof Error ? e.message : 'The chat is unavailable.';
    }
  }

  private render() {
    const s = this.settings;
    const color = s?.color || '#1f6feb';
    this.box.style[s?.position === 'left' ? 'left' : 'right'] = '20px';
    this.box.replaceChildren();
    const head = el('header', { class: 'h' });
    head.style.background = color;
    const close = el('button', { class: 'x', type: 'button', 'aria-label': 'Close chat' }, '×');
    close.addEventListener('click', () => this.toggle());
    head.append(el('h2', {}, s?.name || 'Chat'), close);
    this.box.append(head);
    if (this.failed) {
      this.box.append(this.err);
      return;
    }
    if (s && !s.open && s.away_message) this.box.append(el('div', { class: 'away', role: 'status' }, s.away_message));
    if (s?.pre_chat_form && !this.client.visitor?.email) {
      this.box.append(this.preChat(color), this.err);
      return;
    }
    if (s?.greeting && this.log.childElementCount === 0) {
      const g = el('li', { class: 'm agent' }, s.greeting);
      g.dataset.greeting = '';
      this.log.append(g);
    }
    const form = el('form');
    const send = el('button', { class: 's', type: 'submit' }, 'Send');
    send.style.background = color;
    const clip = el('button', { class: 'a', type: 'button', 'aria-label': 'Attach a file', title: 'Attach a file' }, '+');
    clip.addEventListener('click', () => this.fileInput.click());
    form.append(clip, this.fileInput, this.input, send);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      void this.send();
    });
    this.input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey) {
        e.preventDefault();
        void this.send();
      }
    });
    this.input.addEventListener('input', () => this.typed());
    this.box.append(this.log, this.typing, this.err, this.files, form);
  }

  /** attach uploads the chosen file at once; it is sent with the next message. */
  private async attach() {
    const file = this.fileInput.files?.[0];
    this.fileInput.value = '';
    if (!file) return;
    this.uploading++;
    const chip = el('li', {}, file.name + ' (uploading…)');
    this.files.append(chip);
    try {
      const f = await this.client.upload(file);
      this.pending.push(f);
      chip.textContent = f.file_name;
      const rm = el('button', { type: 'button', 'aria-label': 'Remove ' + f.file_name }, '×');
      rm.addEventListener('click', () => {
        this.pending = this.pending.filter((p) => p !== f);
        chip.remove();
      });
      chip.append(rm);
      this.err.textContent = '';
    } catch (e) {
      chip.remove();
      this.err.textContent = e instanceof Error ? e.message : 'The file was not accepted.';
    } finally {
      this.uploading--;
    }
  }

  private preChat(color: string): HTMLElement {
    const f = el('form', { class: 'pre', 'aria-label': 'Before we start' });
    const name = el('input', { name: 'name', autocomplete: 'name', required: '' });
    const email = el('input', { name: 'email', type: 'email', autocomplete: 'email', required: '' });
    const nl = el('label', {}, 'Your name');
    nl.append(name);
    const ml = el('label', {}, 'Your email');
    ml.append(email);
    const go = el('button', { class: 's', type: 'submit' }, 'Start chat');
    go.style.background = color;
    go.style.padding = '9px';
    f.append(el('p', {}, 'Tell us who you are, so that we can answer you by email too.'), nl, ml, go);
    f.addEventListener('submit', async (e) => {
      e.preventDefault();
      try {
        await this.client.updateVisitor(name.value, email.value);
        this.err.textContent = '';
        this.render();
      } catch (x) {
        this.err.textContent = x instanceof Error ? x.message : 'Try again.';
      }
    });
    return f;
  }

  private typed() {
    const now = Date.now();
    if (now - this.typingSent > 3000) {
      this.typingSent = now;
      this.client.typing('on');
    }
    clearTimeout(this.typingTimer);
    this.typingTimer = window.setTimeout(() => {
      this.typingSent = 0;
      this.client.typing('off');
    }, 4000);
  }

  private async send() {
    const text = this.input.value.trim();
    if ((!text && !this.pending.length) || this.uploading) return;
    const files = this.pending;
    this.input.value = '';
    clearTimeout(this.typingTimer);
    this.typingSent = 0;
    this.client.typing('off');
    try {
      const m = await this.client.send(text, files, this.clientId);
      this.clientId = newClientId();
      this.pending = [];
      this.files.replaceChildren();
      this.add({ ...m, status: 'sent' }, false);
      this.err.textContent = '';
    } catch (e) {
      // Kept for a retry, with the same client id: never sent twice.
      this.input.value = text;
      this.err.textContent = e instanceof Error ? e.message : 'Not sent; try again.';
    }
  }

  private add(m: VisitorMessage, live: boolean) {
    const known = this.seen.get(m.id);
    const color = this.settings?.color || '#1f6feb';
    const li = known || el('li', { class: 'm ' + m.from });
    if (!known) {
      if (m.from === 'agent' && m.author_name) {
        const who = el('span', { class: 'who' });
        const av = m.author_avatar_url;
        if (av) who.append(el('img', { class: 'av', src: av.startsWith('/') ? this.host.base + av : av, alt: '', referrerpolicy: 'no-referrer' }));
        who.append(m.author_name);
        li.append(who);
      }
      if (m.content) li.append(el('span', { class: 'c' }, m.content));
      if (m.from === 'visitor') {
        li.style.background = color;
        li.append(el('span', { class: 'st' }));
      }
      this.seen.set(m.id, li);
      this.log.append(li);
      this.log.scrollTop = this.log.scrollHeight;
      if (m.from === 'agent') this.showTyping(false, '');
      if (live && m.from === 'agent' && !this.reading()) this.host.unread(++this.unread);
    }
    // A reply is reported once it went out ("sent": it has the id the
    // report names), which may be after it first arrived here (queued).
    if (live && m.from === 'agent' && m.status === 'sent') this.client.seen(this.reading() ? 'read' : 'delivered');
    this.files_(li, m.attachments);
    // The server's time (its read marks compare with it), not the local one of a send.
    if (!li.dataset.at || m.status !== 'sent') li.dataset.at = m.created_at;
    const st = li.querySelector('.st');
    // Never backwards: the 202 answer may come after the socket's echo.
    if (st && (statusRank[m.status] || 0) > (statusRank[li.dataset.status || ''] || 0)) {
      li.dataset.status = m.status;
      st.textContent = statusWords[m.status] || '';
    }
  }

  /** files_ shows a message's files: pictures in place, others as downloads (fetched with the visitor's token). */
  private files_(li: HTMLElement, files: VisitorFile[] | undefined) {
    if (!files?.length || li.dataset.files) return;
    const box = el('span', { class: 'att' });
    const ready = files.every((f) => f.url);
    for (const f of files) {
      if (!f.url) {
        box.append(el('span', {}, f.file_name));
        continue;
      }
      const url = f.url;
      if (f.content_type.startsWith('image/')) {
        const img = el('img', { alt: f.file_name });
        box.append(img);
        void this.client.file(url).then((u) => (img.src = u), () => (img.alt = f.file_name + ' (not available)'));
      } else {
        const a = el('a', { href: '#', download: f.file_name, role: 'button' }, f.file_name);
        a.addEventListener('click', async (e) => {
          e.preventDefault();
          if (!a.href.startsWith('blob:')) a.href = await this.client.file(url);
          a.click();
        });
        box.append(a);
      }
    }
    li.querySelector('.att')?.remove();
    li.insertBefore(box, li.querySelector('.st'));
    if (ready) li.dataset.files = '1';
  }

  /** readUpTo shows the visitor's messages up to at as read by the agents. */
  private readUpTo(at: string) {
    const t = Date.parse(at);
    for (const li of this.seen.values()) {
      const st = li.querySelector('.st');
      if (st && li.dataset.at && Date.parse(li.dataset.at) <= t) {
        li.dataset.status = 'read';
        st.textContent = statusWords.read;
      }
    }
  }

  /** reading: the visitor has the window open in a visible page. */
  private reading() {
    return this.open && document.visibilityState !== 'hidden';
  }

  /** markSeen clears the unread count and tells the agents the replies were read. */
  private markSeen() {
    if (!this.unread) return;
    this.unread = 0;
    this.host.unread(0);
    this.client.seen('read');
  }

  private showTyping(on: boolean, name: string) {
    this.typing.textContent = on ? `${name || 'Someone'} is typing…` : '';
  }

  toggle() {
    this.open = !this.open;
    this.box.hidden = !this.open;
    this.host.opened(this.open);
    if (this.open) {
      this.markSeen();
      (this.box.querySelector('textarea, input') as HTMLElement | null)?.focus();
    }
  }
}

const api: WindowAPI = { mount: (host) => new ChatWindow(host) };
window.ParleyWidget = api;
