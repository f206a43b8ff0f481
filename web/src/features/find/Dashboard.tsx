// The dashboard: what waits for you and for the group, live (the numbers
// are fetched again when the server pushes new view counts). Each tile
// opens its view in the inbox.
import { useCallback, useEffect, useRef, useState } from 'react';
import { RealtimeClient, type ConnectionState } from '../../realtime';
import { navigate } from '../../router';
import { useSession } from '../../session';
import { TopBar } from '../../ui';
import { findApi, type DashboardData } from './api';
import { findSearch } from './query';
import './find.css';

interface Tile {
  key: string;
  label: string;
  hint: string;
  value: number | undefined;
  to: string;
}

/** tiles answers the dashboard's tiles and the inbox address each opens. */
export function tiles(d: DashboardData | null, meId: string): { forYou: Tile[]; group: Tile[] } {
  const mineUnreplied = { match: 'all' as const, conditions: [{ field: 'assignee', op: 'eq', value: meId }] };
  return {
    forYou: [
      { key: 'assigned', label: 'Assigned to me', hint: 'not closed', value: d?.for_you?.assigned, to: '/' + findSearch({ view: 'mine' }) },
      {
        key: 'my-unreplied',
        label: 'My unreplied',
        hint: 'customers waiting for my answer',
        value: d?.for_you?.unreplied,
        to: '/' + findSearch({ view: 'unreplied', filter: mineUnreplied }),
      },
    ],
    group: [
      { key: 'unassigned', label: 'Unassigned', hint: 'nobody has them yet', value: d?.group?.unassigned, to: '/' + findSearch({ view: 'unassigned' }) },
      { key: 'unreplied', label: 'Unreplied', hint: 'customers waiting for an answer', value: d?.group?.unreplied, to: '/' + findSearch({ view: 'unreplied' }) },
      { key: 'queued', label: 'Queued', hint: 'waiting to be routed', value: d?.group?.queued, to: '/' + findSearch({ view: 'queued' }) },
    ],
  };
}

export function DashboardScreen() {
  const session = useSession();
  const ws = session.workspace.id;
  const [data, setData] = useState<DashboardData | null>(null);
  const [error, setError] = useState('');
  const [conn, setConn] = useState<ConnectionState>('connecting');
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const load = useCallback(() => {
    findApi.dashboard(ws).then(
      (d) => {
        setData(d);
        setError('');
      },
      (err) => setError((err as Error).message),
    );
  }, [ws]);

  useEffect(() => {
    load();
    // Conversation events and pushed counts both mean the numbers may have moved.
    const soon = () => {
      if (timer.current) return;
      timer.current = setTimeout(() => {
        timer.current = null;
        load();
      }, 300);
    };
    const client = new RealtimeClient(
      ws,
      {
        onEvents: (events) => {
          if (events.some((e) => e.type === 'counts' || e.type.startsWith('conversation.') || e.type === 'message.created')) soon();
        },
        onPresence: () => {},
        onReload: soon,
        onState: setConn,
      },
      undefined,
      { counts: true },
    );
    client.start();
    return () => {
      client.stop();
      if (timer.current) clearTimeout(timer.current);
    };
  }, [ws, load]);

  const t = tiles(data, session.user.id);
  return (
    <div className="app">
      <TopBar connection={conn} />
      <main className="dashboard" aria-label="Dashboard">
        <div className="dashboard-head">
          <h1>Dashboard</h1>
          <button type="button" className="btn btn-sm btn-ghost" onClick={() => navigate('/')}>
            ← Inbox
          </button>
        </div>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <TileSection title="For you" tiles={t.forYou} />
        <TileSection title="For the group" tiles={t.group} />
      </main>
    </div>
  );
}

function TileSection({ title, tiles }: { title: string; tiles: Tile[] }) {
  return (
    <section className="tile-section" aria-label={title}>
      <h2>{title}</h2>
      <div className="tiles">
        {tiles.map((x) => (
          <a
            key={x.key}
            className="tile"
            href={x.to}
            data-testid={'tile-' + x.key}
            onClick={(e) => {
              e.preventDefault();
              navigate(x.to);
            }}
          >
            <span className="tile-value">{x.value ?? '–'}</span>
            <span className="tile-label">{x.label}</span>
            <span className="tile-hint muted">{x.hint}</span>
          </a>
        ))}
      </div>
    </section>
  );
}
