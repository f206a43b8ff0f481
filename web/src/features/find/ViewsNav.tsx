// The left panel's views, grouped, each with its live count; the team
// picker for "My teams"; a link to the dashboard.
import type { Team } from '../../types';
import { navigate } from '../../router';
import type { ViewCounts } from './api';
import { VIEW_GROUPS } from './query';

/** SHORTCUT_VIEWS are the views Alt+1…4 show. */
export const SHORTCUT_VIEWS = ['all', 'mine', 'unassigned', 'queued'];

// The first four keep their short names: Alt+1…4 and the shortcut list say them.
const SHORT: Record<string, string> = { all: 'All', mine: 'Mine' };
const TITLES: Record<string, string> = { all: 'Team inbox: everything not closed', mine: 'My inbox: assigned to me, not closed' };

export function ViewsNav({
  view,
  counts,
  onView,
  teams,
  teamId,
  onTeam,
}: {
  view: string;
  counts: ViewCounts | null;
  onView: (v: string) => void;
  teams: Team[];
  teamId: string;
  onTeam: (id: string) => void;
}) {
  return (
    <nav className="views find-views" aria-label="Views">
      {VIEW_GROUPS.map((g) => (
        <div key={g.label} className="view-group" role="group" aria-label={g.label}>
          <h2 className="view-group-title">{g.label}</h2>
          {g.views.map((v) => {
            const i = SHORTCUT_VIEWS.indexOf(v.key);
            return (
              <button
                key={v.key}
                type="button"
                className={'view-btn' + (view === v.key ? ' current' : '')}
                aria-current={view === v.key ? 'true' : undefined}
                aria-keyshortcuts={i >= 0 ? `Alt+${i + 1}` : undefined}
                title={TITLES[v.key]}
                onClick={() => onView(v.key)}
              >
                <span>{SHORT[v.key] ?? v.label}</span>
                <span className="count" data-testid={'count-' + v.key}>
                  {counts && typeof counts[v.key] === 'number' ? counts[v.key] : '–'}
                </span>
              </button>
            );
          })}
          {g.label === 'Inboxes' && view === 'team' && (
            <label className="team-pick">
              <span className="sr-only">Team</span>
              <select aria-label="Team" value={teamId} onChange={(e) => onTeam(e.target.value)}>
                <option value="">All my teams</option>
                {teams.map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.name}
                  </option>
                ))}
              </select>
            </label>
          )}
        </div>
      ))}
      <a
        className="view-btn dashboard-link"
        href="/dashboard"
        onClick={(e) => {
          e.preventDefault();
          navigate('/dashboard');
        }}
      >
        Dashboard
      </a>
    </nav>
  );
}
