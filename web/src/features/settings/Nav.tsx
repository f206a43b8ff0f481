// The settings navigation: one link per settings page, each a deep link.
import { go } from './shared';

export type SettingsPage = 'inboxes' | 'members' | 'teams' | 'tags' | 'labels' | 'workspace' | 'tokens' | 'audit' | 'deleted' | 'canned' | 'ai' | 'knowledge' | 'hours';

export const SETTINGS_PAGES: { page: SettingsPage; path: string; label: string; admin: boolean }[] = [
  { page: 'inboxes', path: '/settings', label: 'Inboxes', admin: true },
  { page: 'members', path: '/settings/members', label: 'Members', admin: true },
  { page: 'teams', path: '/settings/teams', label: 'Teams', admin: true },
  { page: 'tags', path: '/settings/tags', label: 'Tags', admin: true },
  { page: 'labels', path: '/settings/labels', label: 'Labels', admin: true },
  { page: 'workspace', path: '/settings/workspace', label: 'Workspace', admin: true },
  { page: 'audit', path: '/settings/audit', label: 'Audit log', admin: true },
  { page: 'deleted', path: '/settings/deleted', label: 'Deleted conversations', admin: true },
  { page: 'canned', path: '/settings/canned', label: 'Canned replies', admin: false },
  { page: 'ai', path: '/settings/ai', label: 'AI assistant', admin: true },
  { page: 'knowledge', path: '/settings/knowledge', label: 'Knowledge base', admin: true },
  { page: 'hours', path: '/settings/hours', label: 'Business hours', admin: true },
  { page: 'tokens', path: '/settings/tokens', label: 'API tokens', admin: false },
];

export function SettingsNav({ current, admin }: { current: SettingsPage; admin: boolean }) {
  return (
    <nav className="settings-nav" aria-label="Settings">
      <ul>
        {SETTINGS_PAGES.filter((p) => admin || !p.admin).map((p) => (
          <li key={p.page}>
            <a
              href={p.path}
              aria-current={p.page === current ? 'page' : undefined}
              onClick={(e) => go(e, p.path)}
            >
              {p.label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
