// An email in the thread: its subject, the sender checks, the HTML part in
// a sandboxed frame (no script can run; remote images wait for a click;
// cid: images come from the message's attachments) or the text part, with
// the quoted history of a reply collapsed one click away.
import { useEffect, useMemo, useRef, useState } from 'react';
import { attachmentURL } from '../../api';
import type { EmailInfo, Message } from '../../types';

/** quoteSplit splits a text at the start of its quoted history. */
export function quoteSplit(text: string, at: number | undefined): [string, string] {
  if (at === undefined || at <= 0 || at >= text.length) return [text, ''];
  return [text.slice(0, at).trimEnd(), text.slice(at)];
}

const QUOTE_CSS =
  '.gmail_quote,blockquote[type=cite],#divRplyFwdMsg,#divRplyFwdMsg~*,#appendonsend~*,.yahoo_quoted{display:none!important}';

/** emailDocument is the frame's document: a CSP that allows no script and, until asked, no remote image. */
export function emailDocument(e: EmailInfo, cidURL: (cid: string) => string | undefined, opts: { images: boolean; quotes: boolean }): string {
  let html = e.html ?? '';
  html = html.replace(/src="cid:([^"]+)"/gi, (all, cid: string) => {
    const url = cidURL(cid.replace(/&amp;/g, '&'));
    return url ? `src="${url}"` : all;
  });
  if (opts.images) html = html.replace(/data-remote-src=/g, 'src=');
  const imgs = opts.images ? "'self' data: https: http:" : "'self' data:";
  const csp = `default-src 'none'; img-src ${imgs}; style-src 'unsafe-inline'; font-src data:`;
  return (
    `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${csp}">` +
    `<base target="_blank"><style>body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1f2328;overflow-wrap:anywhere}img{max-width:100%;height:auto}` +
    (opts.quotes ? '' : QUOTE_CSS) +
    `</style></head><body>${html}</body></html>`
  );
}

/** authWarning words a failed sender check, or returns '' when there is nothing to warn about. */
export function authWarning(e: EmailInfo): string {
  const a = e.auth;
  if (!a) return '';
  if (a.suspicious) return `Sender not verified: DMARC failed and ${domainOf(e.from)} asks to ${a.policy === 'reject' ? 'reject' : 'quarantine'} such mail. This may be spoofed.`;
  if (a.dmarc === 'fail') return 'Sender not verified (DMARC failed).';
  return '';
}

function domainOf(addr?: string): string {
  return addr?.split('@')[1] ?? 'the sender’s domain';
}

export function EmailBody({ m, workspaceId }: { m: Message; workspaceId: string }) {
  const e = m.email!;
  const [quotes, setQuotes] = useState(false);
  const [images, setImages] = useState(false);
  const [asText, setAsText] = useState(!e.html);
  const [head, quoted] = quoteSplit(m.content, e.quote_at);
  const hasRemote = !!e.html && e.html.includes('data-remote-src=');
  const warning = authWarning(e);
  const cidURL = useMemo(() => {
    const byID = new Map((m.attachments ?? []).map((a) => [a.id, a]));
    return (cid: string) => {
      const id = e.cids?.[cid];
      const a = id ? byID.get(id) : undefined;
      return a ? attachmentURL(workspaceId, m, a) : undefined;
    };
  }, [e, m, workspaceId]);
  return (
    <div className="email-body" data-testid="email-body">
      <div className="email-head">
        {e.subject && (
          <span className="email-subject" data-testid="email-subject">
            {e.subject}
          </span>
        )}
        {e.auto_reply && <span className="tag tag-xs">Auto-reply</span>}
        {e.auth && !warning && e.auth.dmarc === 'pass' && (
          <span className="tag tag-xs email-verified" title={`SPF ${e.auth.spf} · DKIM ${e.auth.dkim} · DMARC ${e.auth.dmarc}`}>
            Verified sender
          </span>
        )}
      </div>
      {warning && (
        <p className="form-error email-warning" role="note" title={e.auth ? `SPF ${e.auth.spf} · DKIM ${e.auth.dkim} · DMARC ${e.auth.dmarc}` : undefined}>
          {warning}
        </p>
      )}
      {asText ? (
        <div className="bubble">
          {quotes ? m.content : head}
          {quoted && (
            <button type="button" className="btn btn-link btn-xs email-quote-toggle" onClick={() => setQuotes(!quotes)} aria-expanded={quotes}>
              {quotes ? 'Hide quoted text' : '··· Show quoted text'}
            </button>
          )}
        </div>
      ) : (
        <EmailFrame doc={emailDocument(e, cidURL, { images, quotes })} />
      )}
      <div className="email-actions">
        {!asText && (
          <button type="button" className="btn btn-link btn-xs" onClick={() => setQuotes(!quotes)} aria-expanded={quotes}>
            {quotes ? 'Hide quoted text' : 'Show quoted text'}
          </button>
        )}
        {!asText && hasRemote && !images && (
          <button type="button" className="btn btn-link btn-xs" onClick={() => setImages(true)}>
            Load remote images
          </button>
        )}
        {e.html && (
          <button type="button" className="btn btn-link btn-xs" onClick={() => setAsText(!asText)}>
            {asText ? 'Show formatted' : 'Show plain text'}
          </button>
        )}
      </div>
    </div>
  );
}

/** EmailFrame shows sanitized mail HTML in a frame where no script runs, sized to its content. */
function EmailFrame({ doc }: { doc: string }) {
  const ref = useRef<HTMLIFrameElement>(null);
  const [height, setHeight] = useState(120);
  useEffect(() => {
    const f = ref.current;
    if (!f) return;
    const fit = () => {
      const h = f.contentDocument?.documentElement?.scrollHeight;
      if (h) setHeight(Math.min(Math.max(h + 4, 40), 2000));
    };
    f.addEventListener('load', fit);
    return () => f.removeEventListener('load', fit);
  }, [doc]);
  return (
    <iframe
      ref={ref}
      className="email-frame"
      title="Email content"
      // allow-same-origin without allow-scripts: the parent may measure the
      // document, nothing in it may run; links open outside the frame.
      sandbox="allow-same-origin allow-popups allow-popups-to-escape-sandbox"
      referrerPolicy="no-referrer"
      srcDoc={doc}
      style={{ height }}
      data-testid="email-frame"
    />
  );
}
