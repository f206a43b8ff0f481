// The filter builder: basic filters always in view (channel, has phone,
// has email), "More" for any other condition, a Match all / any toggle and
// the sort order. Each change applies at once; a 422 from the server is
// shown beside the condition it names.
import { useEffect, useRef, useState } from 'react';
import { STATUSES } from '../../types';
import { channelLabel, STATUS_LABELS, AI_MODE_LABELS } from '../../format';
import type { Filter } from './api';
import { SORTS } from './query';
import {
  emptyBasic,
  errorOrigin,
  FIELDS,
  fromFilter,
  isTimeField,
  newRow,
  opLabel,
  PERIODS,
  toFilter,
  type BuilderState,
  type Origin,
  type Row,
  type Tri,
} from './filters';

export interface Option {
  value: string;
  label: string;
}

export interface BuilderOptions {
  channels: string[];
  inboxes: Option[];
  members: Option[];
  teams: Option[];
}

const PRIORITIES = ['none', 'low', 'medium', 'high', 'urgent'];

function choices(field: string, o: BuilderOptions): Option[] | null {
  switch (field) {
    case 'status':
      return STATUSES.map((s) => ({ value: s, label: STATUS_LABELS[s] ?? s }));
    case 'priority':
      return PRIORITIES.map((p) => ({ value: p, label: p[0].toUpperCase() + p.slice(1) }));
    case 'ai_mode':
      return (['active', 'paused', 'manual'] as const).map((m) => ({ value: m, label: AI_MODE_LABELS[m] ?? m }));
    case 'channel':
      return o.channels.map((c) => ({ value: c, label: channelLabel(c) }));
    case 'inbox':
      return o.inboxes;
    case 'assignee':
      return [{ value: 'none', label: 'Nobody' }, ...o.members];
    case 'team':
      return o.teams;
  }
  return null;
}

export function FilterBuilder({
  value,
  onChange,
  error,
  sort,
  onSort,
  options,
  onSave,
}: {
  value: Filter | null;
  onChange: (f: Filter | null) => void;
  /** error is the server's 422 message about the filter, if any. */
  error: string;
  sort: string;
  onSort: (s: string) => void;
  options: BuilderOptions;
  onSave?: () => void;
}) {
  const [state, setState] = useState<BuilderState>(() => fromFilter(value));
  const [more, setMore] = useState(() => state.rows.length > 0);
  const emitted = useRef(JSON.stringify(value ?? null));

  // A filter from elsewhere (a saved filter, a link, Back) replaces the builder's.
  useEffect(() => {
    const json = JSON.stringify(value ?? null);
    if (json === emitted.current) return;
    emitted.current = json;
    const next = fromFilter(value);
    setState(next);
    if (next.rows.length) setMore(true);
  }, [value]);

  const update = (next: BuilderState) => {
    setState(next);
    const { filter } = toFilter(next);
    const json = JSON.stringify(filter);
    if (json !== emitted.current) {
      emitted.current = json;
      onChange(filter);
    }
  };
  const setBasic = (b: Partial<BuilderState['basic']>) => update({ ...state, basic: { ...state.basic, ...b } });
  const setRow = (i: number, r: Partial<Row>) => update({ ...state, rows: state.rows.map((x, j) => (j === i ? { ...x, ...r } : x)) });

  const built = toFilter(state);
  const at = error ? errorOrigin(error, built.origins) : null;
  const errFor = (o: Origin) =>
    error && at === o ? (
      <span className="form-error find-field-error" role="alert">
        {error}
      </span>
    ) : null;
  const active = built.filter?.conditions?.length ?? 0;

  return (
    <section className="find-builder" aria-label="Filters">
      <div className="find-basic">
        <label>
          <span className="sr-only">Channel</span>
          <select aria-label="Channel" value={state.basic.channel} onChange={(e) => setBasic({ channel: e.target.value })}>
            <option value="">Any channel</option>
            {options.channels.map((c) => (
              <option key={c} value={c}>
                {channelLabel(c)}
              </option>
            ))}
          </select>
        </label>
        <TriSelect label="Has phone" value={state.basic.hasPhone} onChange={(v) => setBasic({ hasPhone: v })} />
        <TriSelect label="Has email" value={state.basic.hasEmail} onChange={(v) => setBasic({ hasEmail: v })} />
        <label>
          <span className="sr-only">Sort</span>
          <select aria-label="Sort" value={sort} onChange={(e) => onSort(e.target.value)}>
            {SORTS.map((s) => (
              <option key={s.key} value={s.key}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="btn btn-sm btn-ghost" aria-expanded={more} onClick={() => setMore((m) => !m)}>
          More{state.rows.length ? ` (${state.rows.length})` : ''}
        </button>
      </div>
      {errFor('channel')}
      {errFor('has_phone')}
      {errFor('has_email')}
      {more && (
        <div className="find-more">
          <div className="find-match" role="radiogroup" aria-label="Match">
            {(['all', 'any'] as const).map((m) => (
              <label key={m}>
                <input type="radio" name="find-match" checked={state.match === m} onChange={() => update({ ...state, match: m })} />{' '}
                Match {m}
              </label>
            ))}
          </div>
          <ul className="find-rows">
            {state.rows.map((r, i) => (
              <li key={i} className="find-row" data-testid="filter-row">
                <RowEditor row={r} options={options} onChange={(x) => setRow(i, x)} index={i} />
                <button
                  type="button"
                  className="btn btn-ghost btn-sm"
                  aria-label={`Remove condition ${i + 1}`}
                  onClick={() => update({ ...state, rows: state.rows.filter((_, j) => j !== i) })}
                >
                  ✕
                </button>
                {errFor(i)}
              </li>
            ))}
          </ul>
          <button type="button" className="btn btn-sm" onClick={() => setState({ ...state, rows: [...state.rows, newRow()] })}>
            Add condition
          </button>
        </div>
      )}
      {error && at === null && (
        <p className="form-error find-field-error" role="alert">
          {error}
        </p>
      )}
      {active > 0 && (
        <div className="find-actions">
          <button
            type="button"
            className="btn btn-sm btn-ghost"
            onClick={() => {
              setMore(false);
              update({ match: 'all', basic: { ...emptyBasic }, rows: [] });
            }}
          >
            Clear filters
          </button>
          {onSave && (
            <button type="button" className="btn btn-sm" onClick={onSave}>
              Save filter…
            </button>
          )}
        </div>
      )}
    </section>
  );
}

function TriSelect({ label, value, onChange }: { label: string; value: Tri; onChange: (v: Tri) => void }) {
  return (
    <label>
      <span className="sr-only">{label}</span>
      <select aria-label={label} value={value} onChange={(e) => onChange(e.target.value as Tri)}>
        <option value="">{label}: any</option>
        <option value="true">{label}: yes</option>
        <option value="false">{label}: no</option>
      </select>
    </label>
  );
}

function RowEditor({ row, options, onChange, index }: { row: Row; options: BuilderOptions; onChange: (r: Partial<Row>) => void; index: number }) {
  const field = FIELDS.find((f) => f.key === row.field) ?? FIELDS[0];
  const n = index + 1;
  const list = choices(row.field, options);
  const multi = row.op === 'in' || row.op === 'nin';
  let editor: React.ReactNode;
  if (row.op === 'exists') editor = null;
  else if (isTimeField(row.field)) {
    editor =
      row.op === 'eq' ? (
        <select aria-label={`Condition ${n} period`} value={row.value[0] ?? ''} onChange={(e) => onChange({ value: [e.target.value] })}>
          {PERIODS.map((p) => (
            <option key={p.key} value={p.key}>
              {p.label}
            </option>
          ))}
        </select>
      ) : (
        <>
          <input type="datetime-local" aria-label={`Condition ${n} ${row.op === 'between' ? 'from' : 'time'}`} value={row.value[0] ?? ''} onChange={(e) => onChange({ value: [e.target.value] })} />
          {row.op === 'between' && <input type="datetime-local" aria-label={`Condition ${n} to`} value={row.to} onChange={(e) => onChange({ to: e.target.value })} />}
        </>
      );
  } else if (list && multi) {
    editor = (
      <select
        multiple
        aria-label={`Condition ${n} values`}
        value={row.value}
        onChange={(e) => onChange({ value: Array.from(e.target.selectedOptions).map((o) => o.value) })}
      >
        {list.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    );
  } else if (list) {
    editor = (
      <select aria-label={`Condition ${n} value`} value={row.value[0] ?? ''} onChange={(e) => onChange({ value: e.target.value ? [e.target.value] : [] })}>
        <option value="">Choose…</option>
        {list.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    );
  } else {
    editor = (
      <>
        <input
          type="text"
          aria-label={`Condition ${n} value`}
          placeholder={multi ? 'a, b, c' : row.field === 'number' ? '123' : 'value'}
          value={multi ? row.value.join(', ') : (row.value[0] ?? '')}
          onChange={(e) => onChange({ value: multi ? e.target.value.split(',') : [e.target.value] })}
        />
        {row.op === 'between' && <input type="text" aria-label={`Condition ${n} to`} placeholder="456" value={row.to} onChange={(e) => onChange({ to: e.target.value })} />}
      </>
    );
  }
  return (
    <>
      <select
        aria-label={`Condition ${n} field`}
        value={row.field}
        onChange={(e) => {
          const r = newRow(e.target.value);
          onChange({ field: r.field, op: r.op, value: r.value, to: '', attrKey: '' });
        }}
      >
        {FIELDS.map((f) => (
          <option key={f.key} value={f.key}>
            {f.label}
          </option>
        ))}
      </select>
      {row.field === 'attribute' && (
        <input type="text" aria-label={`Condition ${n} attribute`} placeholder="key" value={row.attrKey} onChange={(e) => onChange({ attrKey: e.target.value })} />
      )}
      <select
        aria-label={`Condition ${n} operator`}
        value={row.op}
        onChange={(e) => {
          const op = e.target.value;
          const keep = isTimeField(row.field) === false || (op !== 'eq') === (row.op !== 'eq');
          onChange({ op, value: keep ? row.value : op === 'eq' ? ['today'] : [], to: '' });
        }}
      >
        {field.ops.map((op) => (
          <option key={op} value={op}>
            {opLabel(row.field, op)}
          </option>
        ))}
      </select>
      {editor}
    </>
  );
}
