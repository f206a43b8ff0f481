// What an admin does after creating an email inbox: route the support
// address's mail to Parley, and check the relay with "Test connection".
import type { Inbox } from '../../types';
import { CopyField } from '../../Settings';

export function EmailSetup({ inbox }: { inbox: Inbox }) {
  const cfg = inbox.config ?? {};
  const address = cfg.address ?? '';
  return (
    <div className="setup" role="group" aria-label="Email set-up" data-testid="email-setup">
      {address && <CopyField label="Support address" value={address} help="Customers write here; replies come from it." />}
      <p className="muted small">
        To receive mail, either point the MX record of {address.split('@')[1] || 'your domain'} at this server’s SMTP listener (PARLEY_SMTP_ADDR, usually
        behind port 25), or add a forwarding rule at your mail provider that forwards {address || 'the address'} to it. Mail for any other address is refused.
        With IMAP settings, Parley also polls the mailbox and leaves the mail on the server.
      </p>
      <p className="muted small">
        Replies leave through the SMTP relay below, from “Agent from {cfg.display_name || inbox.name}” &lt;{address}&gt;, with a reply address per conversation so the
        customer’s answers join the right thread. Use “Test connection” to log in to the relay (and IMAP).
      </p>
    </div>
  );
}
