// Saved filters in the left panel, each with its live count: apply, save
// the current filter (personal or shared), rename, duplicate, delete.
import { useCallback, useEffect, useRef, useState } from 'react';
import { findApi, type Filter, type SavedFilter } from './api';
import { useCountsPush } from './bus';

export function SavedFilters({
  ws,
  meId,
  isAdmin,
  activeId,
  current,
  saving,
  onSaving,
  onApply,
}: {
  ws: string;
  meId: string;
  isAdmin: boolean;
  activeId: string;
  /** current is the filter the list shows (what Save keeps). */
  current: Filter | null;
  saving: boolean;
  onSaving: (open: boolean) => void;
  onApply: (f: SavedFilter | null) => void;
}) {
  const [items, setItems] = useState<SavedFilter[]>([]);
  const [error, setError] = useState('');
  const [editing, setEditing] = useState('');
  const last = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const load = useCallback(() => {
    findApi.savedFilters(ws).then(
      (r) => setItems(r.items ?? []),
      () => {},
    );
  }, [ws]);
  useEffect(load, [load]);
  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
  }, []);

  // The counts change when the view counts do: reload at most every 2 s.
  useCountsPush(() => {
    if (timer.current) return;
    const wait = Math.max(0, last.current + 2000 - Date.now());
    timer.current = setTimeout(() => {
      timer.current = null;
      last.current = Date.now();
      load();
    }, wait);
  });

  const run = async (fn: () => Promise<unknown>) => {
    setError('');
    try {
      await fn();
      load();
    } catch (err) {
      setError((err as Error).message);
    }
  };

  return (
    <section className="saved-filters" aria-label="Saved filters">
      <h2 className="view-group-title">Saved filters</h2>
      {saving && current && (
        <SaveForm
          onCancel={() => onSaving(false)}
          onSave={async (name, shared) => {
            setError('');
            try {
              const f = await findApi.createSavedFilter(ws, { name, filter: current, shared });
              onSaving(false);
              load();
              onApply(f);
            } catch (err) {
              setError((err as Error).message);
            }
          }}
        />
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {items.length === 0 && !saving && <p className="muted small">None yet: build a filter, then Save filter.</p>}
      <ul className="saved-list">
        {items.map((f) => {
          const mayEdit = f.owner_id === meId || (f.shared && isAdmin);
          return (
            <li key={f.id} className={'saved-item' + (f.id === activeId ? ' current' : '')}>
              {editing === f.id ? (
                <RenameForm
                  name={f.name ?? ''}
                  onCancel={() => setEditing('')}
                  onSave={(name) =>
                    run(async () => {
                      await findApi.updateSavedFilter(ws, f.id!, { name });
                      setEditing('');
                    })
                  }
                />
              ) : (
                <>
                  <button
                    type="button"
                    className="view-btn"
                    aria-current={f.id === activeId ? 'true' : undefined}
                    onClick={() => onApply(f.id === activeId ? null : f)}
                  >
                    <span>
                      {f.name}
                      {f.shared && <span className="muted small"> · shared</span>}
                    </span>
                    <span className="count" data-testid={'saved-count-' + f.name}>
                      {f.count ?? '–'}
                    </span>
                  </button>
                  <details className="saved-menu">
                    <summary aria-label={`Actions for ${f.name}`}>⋯</summary>
                    <div className="saved-menu-items">
                      {mayEdit && (
                        <button
                          type="button"
                          className="btn btn-ghost btn-sm"
                          onClick={(e) => {
                            closeMenu(e.currentTarget);
                            setEditing(f.id!);
                          }}
                        >
                          Rename
                        </button>
                      )}
                      <button
                        type="button"
                        className="btn btn-ghost btn-sm"
                        onClick={(e) => {
                          closeMenu(e.currentTarget);
                          run(() => findApi.duplicateSavedFilter(ws, f.id!));
                        }}
                      >
                        Duplicate
                      </button>
                      {mayEdit && (
                        <button
                          type="button"
                          className="btn btn-ghost btn-sm danger"
                          onClick={(e) => {
                            closeMenu(e.currentTarget);
                            if (window.confirm(`Delete the saved filter "${f.name}"?`))
                              run(async () => {
                                await findApi.deleteSavedFilter(ws, f.id!);
                                if (f.id === activeId) onApply(null);
                              });
                          }}
                        >
                          Delete
                        </button>
                      )}
                    </div>
                  </details>
                </>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/** closeMenu folds the ⋯ menu an action was chosen from. */
function closeMenu(el: HTMLElement) {
  const d = el.closest('details');
  if (d) d.open = false;
}

function SaveForm({ onSave, onCancel }: { onSave: (name: string, shared: boolean) => void; onCancel: () => void }) {
  const [name, setName] = useState('');
  const [shared, setShared] = useState(false);
  return (
    <form
      className="saved-form"
      aria-label="Save filter"
      onSubmit={(e) => {
        e.preventDefault();
        if (name.trim()) onSave(name.trim(), shared);
      }}
    >
      <input type="text" aria-label="Filter name" placeholder="Name" value={name} autoFocus maxLength={400} onChange={(e) => setName(e.target.value)} />
      <label className="small">
        <input type="checkbox" checked={shared} onChange={(e) => setShared(e.target.checked)} /> Share with the workspace
      </label>
      <div className="row-gap">
        <button type="submit" className="btn btn-sm btn-primary" disabled={!name.trim()}>
          Save
        </button>
        <button type="button" className="btn btn-sm btn-ghost" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function RenameForm({ name, onSave, onCancel }: { name: string; onSave: (name: string) => void; onCancel: () => void }) {
  const [v, setV] = useState(name);
  return (
    <form
      className="saved-form"
      aria-label="Rename filter"
      onSubmit={(e) => {
        e.preventDefault();
        if (v.trim()) onSave(v.trim());
      }}
    >
      <input
        type="text"
        aria-label="New name"
        value={v}
        autoFocus
        maxLength={400}
        onChange={(e) => setV(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.stopPropagation();
            onCancel();
          }
        }}
      />
      <button type="submit" className="btn btn-sm btn-primary" disabled={!v.trim()}>
        Rename
      </button>
    </form>
  );
}
