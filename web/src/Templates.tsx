// The WhatsApp template picker: the inbox's approved templates, their
// variables filled in with a live preview, refreshed from the provider on
// demand. Templates are what WhatsApp allows outside the 24-hour window.
import { useCallback, useEffect, useId, useMemo, useState } from 'react';
import { api } from './api';
import { clockTime, fullTime } from './format';
import { useSession } from './session';
import type { Template } from './types';

/** fillTemplate shows a template body with its {{n}} variables filled in (blank ones stay as {{n}}). */
export function fillTemplate(body: string, params: string[]): string {
  return body.replace(/\{\{\s*(\d+)\s*\}\}/g, (all, n) => {
    const v = params[Number(n) - 1];
    return v && v.trim() ? v : all;
  });
}

const key = (t: Template) => t.name + '\u0000' + t.language;
const approved = (t: Template) => !t.status || t.status.toUpperCase() === 'APPROVED';

export interface TemplatePickerProps {
  inboxId: string;
  onSend: (t: { name: string; language: string; parameters: string[] }) => Promise<void>;
  disabled?: boolean;
}

export function TemplatePicker({ inboxId, onSend, disabled }: TemplatePickerProps) {
  const { workspace } = useSession();
  const id = useId();
  const [items, setItems] = useState<Template[] | null>(null);
  const [fetchedAt, setFetchedAt] = useState('');
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState('');
  const [selected, setSelected] = useState('');
  const [params, setParams] = useState<string[]>([]);
  const [sending, setSending] = useState(false);
  const [sendError, setSendError] = useState('');
  const [sent, setSent] = useState('');

  const load = useCallback(
    async (refresh: boolean) => {
      setLoading(true);
      setError('');
      try {
        const l = refresh ? await api.refreshTemplates(workspace.id, inboxId) : await api.templates(workspace.id, inboxId);
        const list = l.items ?? [];
        setItems(list);
        setFetchedAt(l.fetched_at ?? '');
        setSelected((cur) => (cur && list.some((t) => key(t) === cur) ? cur : ''));
      } catch (err) {
        setError((err as Error).message);
      } finally {
        setLoading(false);
      }
    },
    [workspace.id, inboxId],
  );

  useEffect(() => {
    load(false);
  }, [load]);

  const tpl = useMemo(() => items?.find((t) => key(t) === selected) ?? null, [items, selected]);
  const count = tpl?.variables ?? 0;
  const missing = params.slice(0, count).filter((p) => !p.trim()).length + Math.max(0, count - params.length);

  async function send() {
    if (!tpl || sending || disabled || missing > 0) return;
    setSending(true);
    setSendError('');
    setSent('');
    try {
      await onSend({ name: tpl.name, language: tpl.language, parameters: params.slice(0, count).map((p) => p.trim()) });
      setParams([]);
      setSent(`Template “${tpl.name}” queued.`);
    } catch (err) {
      setSendError((err as Error).message || 'The template was not sent.');
    } finally {
      setSending(false);
    }
  }

  const approvedItems = (items ?? []).filter(approved);
  const others = (items ?? []).filter((t) => !approved(t));

  return (
    <div className="template-picker" role="group" aria-label="WhatsApp template">
      <div className="template-bar">
        <label id={id + '-label'} htmlFor={id + '-select'} className="template-label">
          Template
        </label>
        <select
          id={id + '-select'}
          value={selected}
          disabled={loading && !items}
          onChange={(e) => {
            setSelected(e.target.value);
            setParams([]);
            setSendError('');
            setSent('');
          }}
        >
          <option value="">{loading && !items ? 'Loading templates…' : approvedItems.length ? 'Choose a template…' : 'No approved templates'}</option>
          {approvedItems.map((t) => (
            <option key={key(t)} value={key(t)}>
              {t.name} ({t.language})
            </option>
          ))}
          {others.length > 0 && (
            <optgroup label="Not approved">
              {others.map((t) => (
                <option key={key(t)} value={key(t)} disabled>
                  {t.name} ({t.language}) — {t.status.toLowerCase()}
                </option>
              ))}
            </optgroup>
          )}
        </select>
        <button type="button" className="btn btn-sm" onClick={() => load(true)} disabled={loading}>
          {loading && items ? 'Refreshing…' : 'Refresh templates'}
        </button>
        {fetchedAt && (
          <span className="muted small" title={fullTime(fetchedAt)}>
            Fetched {clockTime(fetchedAt)}
          </span>
        )}
      </div>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {tpl && (
        <div className="template-body">
          <p className="muted small template-meta">
            {tpl.category ? tpl.category.charAt(0) + tpl.category.slice(1).toLowerCase() + ' template' : 'Template'} · {tpl.language} ·{' '}
            {count === 0 ? 'no variables' : count === 1 ? '1 variable' : `${count} variables`}
          </p>
          {count > 0 && (
            <div className="template-vars">
              {Array.from({ length: count }, (_, i) => (
                <div className="field" key={i}>
                  <label htmlFor={`${id}-var-${i}`}>{`Variable {{${i + 1}}}`}</label>
                  <input
                    id={`${id}-var-${i}`}
                    value={params[i] ?? ''}
                    maxLength={1024}
                    onChange={(e) =>
                      setParams((p) => {
                        const out = p.slice();
                        while (out.length < count) out.push('');
                        out[i] = e.target.value;
                        return out;
                      })
                    }
                    onKeyDown={(e) => {
                      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
                        e.preventDefault();
                        send();
                      }
                    }}
                  />
                </div>
              ))}
            </div>
          )}
          <div className="template-preview-wrap">
            <span className="control-label" id={id + '-preview'}>
              Preview
            </span>
            <p className="bubble template-preview" aria-labelledby={id + '-preview'} data-testid="template-preview">
              {tpl.body ? fillTemplate(tpl.body, params) : `[${tpl.name}]`}
            </p>
          </div>
        </div>
      )}
      {sendError && (
        <p className="form-error" role="alert">
          {sendError}
        </p>
      )}
      <div className="composer-footer">
        <span className="muted small" role="status">
          {sent || (tpl && missing > 0 ? `Fill in ${missing === 1 ? 'the variable' : `all ${count} variables`} to send.` : '')}
        </span>
        <button type="button" className="btn btn-primary" onClick={send} disabled={!tpl || missing > 0 || sending || disabled}>
          {sending ? 'Sending…' : 'Send template'}
        </button>
      </div>
    </div>
  );
}
