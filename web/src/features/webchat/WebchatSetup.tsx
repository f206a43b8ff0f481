// The set-up of a web-chat inbox: the <script> tag to paste into the
// website, the identity secret (shown once, right after creation), whether
// replies reach visitors who left by email, and a live preview of the widget
// as visitors see it.
import { useState } from 'react';
import { CopyField } from '../../Settings';
import type { Inbox } from '../../types';

/** snippet is the one <script> tag a website embeds. */
export function snippet(origin: string, websiteToken: string): string {
  return `<script src="${origin}/widget.js" data-parley-token="${websiteToken}" async></script>`;
}

const secretKey = (id: string) => 'parley:identity-secret:' + id;

/** rememberIdentitySecret keeps the secret the create answer showed, for the set-up page to show once. */
export function rememberIdentitySecret(id: string, secret: string | undefined) {
  if (!secret) return;
  try {
    sessionStorage.setItem(secretKey(id), secret);
  } catch {
    /* storage refused: the secret is not shown; rotate it to see a new one */
  }
}

function takeIdentitySecret(id: string): string {
  try {
    const s = sessionStorage.getItem(secretKey(id)) ?? '';
    sessionStorage.removeItem(secretKey(id));
    return s;
  } catch {
    return '';
  }
}

export function WebchatSetup({ inbox }: { inbox: Inbox }) {
  const [secret] = useState(() => takeIdentitySecret(inbox.id));
  const cfg = inbox.config ?? {};
  const origins = (cfg.allowed_origins ?? '').split(' ').filter(Boolean);
  return (
    <div className="setup" role="group" aria-label="Provider set-up">
      <CopyField
        label="Embed snippet"
        value={snippet(window.location.origin, inbox.id)}
        help="Paste it before </body> on every page of your website that should show the chat."
      />
      <p className="muted small" id="webchat-origins">
        The chat works only on {origins.length ? origins.join(', ') : 'the websites you list below'}: any other website is refused.
      </p>
      {secret ? (
        <CopyField
          label="Identity secret"
          value={secret}
          secret
          help="Shown once. Your server signs a signed-in customer's id with it (hex HMAC-SHA256) as identifier_hash, so that the chat knows them."
        />
      ) : (
        <p className="muted small">The identity secret was shown once, when the inbox was created.</p>
      )}
      <OfflineEmailStatus inbox={inbox} />
      <WidgetPreview inbox={inbox} />
    </div>
  );
}

/** offlineEmailMinutes is after how many minutes away replies go by email; 0 when they never do. */
export function offlineEmailMinutes(cfg: Record<string, string>): number {
  if (!cfg.offline_email_inbox_id) return 0;
  const raw = cfg.offline_email_after_minutes ?? '';
  const n = raw === '' ? 5 : Number(raw);
  return Number.isInteger(n) && n > 0 ? n : 0;
}

/** OfflineEmailStatus says whether replies to visitors who left are also sent by email. */
function OfflineEmailStatus({ inbox }: { inbox: Inbox }) {
  const minutes = offlineEmailMinutes(inbox.config ?? {});
  return (
    <p className="muted small" data-testid="webchat-email-offline">
      Replies by email to visitors who left:{' '}
      {minutes > 0 ? (
        <>
          <strong>on</strong> — when a visitor who left an email has been gone {minutes} {minutes === 1 ? 'minute' : 'minutes'}, replies
          are also sent there, and their answer by email joins the same conversation.
        </>
      ) : (
        <>
          <strong>off</strong> — choose an email inbox under “Email replies to visitors who left” in the settings below.
        </>
      )}
    </p>
  );
}

/** WidgetPreview draws the launcher and the open window with the inbox's colour, side and greeting. */
export function WidgetPreview({ inbox }: { inbox: Inbox }) {
  const cfg = inbox.config ?? {};
  const color = /^#[0-9a-fA-F]{6}$/.test(cfg.color ?? '') ? cfg.color : '#1f6feb';
  const left = cfg.position === 'left';
  return (
    <figure className="widget-preview" aria-label="Widget preview" data-side={left ? 'left' : 'right'}>
      <figcaption className="muted small">Preview (a picture of the chat as visitors see it)</figcaption>
      <div className="widget-preview-stage" aria-hidden="true">
        <div className="widget-preview-window" style={{ [left ? 'left' : 'right']: 12 }}>
          <div className="widget-preview-head" style={{ background: color }}>
            {inbox.name}
          </div>
          <div className="widget-preview-log">
            {cfg.pre_chat_form === 'true' ? (
              <p className="widget-preview-form">Your name · Your email · Start chat</p>
            ) : (
              <p className="widget-preview-msg">{cfg.greeting || 'Hello! Write to us here.'}</p>
            )}
          </div>
          <div className="widget-preview-composer">Write a message…</div>
        </div>
        <span className="widget-preview-launcher" style={{ background: color, [left ? 'left' : 'right']: 12 }} aria-hidden="true" />
      </div>
    </figure>
  );
}
