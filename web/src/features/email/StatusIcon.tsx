// The icons beside an email reply's delivery status: what the customer's
// mail client told us (opened: the tracking image loaded; clicked: a
// tracked link followed), so agents see at a glance how far a reply got.
// The label next to it says the same in words; the icon is decoration.

const PATHS: Record<string, string> = {
  // an eye: the mail was opened
  opened: 'M1 8s2.5-5 7-5 7 5 7 5-2.5 5-7 5-7-5-7-5zm7 3a3 3 0 1 0 0-6 3 3 0 0 0 0 6z',
  // a pointer on a link: a link in it was followed
  clicked: 'M3 2l9 4.5-3.6 1.2 2.6 4.6-1.8 1-2.6-4.6L4 11.5z',
  // an envelope with a cross: returned
  bounced: 'M1 3h14v10H1zm1 1.2V12h12V4.2L8 8.5zM2.8 4 8 7.5 13.2 4z',
  // a shield: reported as spam
  spam: 'M8 1l6 2.5V8c0 3.5-2.7 6-6 7-3.3-1-6-3.5-6-7V3.5zm-.75 3.5v4h1.5v-4zm0 5.5v1.5h1.5V10z',
};

/** hasStatusIcon tells whether an email status has an icon. */
export function hasStatusIcon(status: string): boolean {
  return status in PATHS;
}

/** StatusIcon is the icon of an email reply's delivery status, or nothing. */
export function StatusIcon({ status }: { status: string }) {
  const d = PATHS[status];
  if (!d) return null;
  return (
    <svg className={'email-status-icon email-status-' + status} data-testid={'email-status-' + status} viewBox="0 0 16 16" width="12" height="12" aria-hidden="true" focusable="false">
      <path d={d} fill="currentColor" fillRule="evenodd" />
    </svg>
  );
}
