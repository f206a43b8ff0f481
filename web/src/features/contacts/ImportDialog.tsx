// CSV import: choose a file, map its columns, check with a dry run (errors
// per row), then import; a large file goes on in the background with
// progress.
import { useEffect, useState } from 'react';
import { useImportProgress } from './importProgress';
import { useSession } from '../../session';
import { contactsApi, importCSV, type AttributeDef, type ImportReport } from './api';

const FIELDS = ['', 'name', 'email', 'phone', 'company', 'title', 'avatar_url', 'tags'];

function guess(header: string, defs: AttributeDef[]): string {
  const h = header.trim().toLowerCase().replace(/[\s-]+/g, '_');
  if (FIELDS.includes(h)) return h;
  if (h.startsWith('attributes.')) return h;
  if (/^e_?mail/.test(h)) return 'email';
  if (/phone|mobile|tel/.test(h)) return 'phone';
  if (/name/.test(h)) return 'name';
  if (/company|org/.test(h)) return 'company';
  if (/tag|label/.test(h)) return 'tags';
  const d = defs.find((x) => x.key === h);
  return d ? 'attributes.' + d.key : '';
}

export function ImportDialog({ onClose, onDone }: { onClose: () => void; onDone: () => void }) {
  const { workspace } = useSession();
  const [file, setFile] = useState<File | null>(null);
  const [headers, setHeaders] = useState<string[]>([]);
  const [mapping, setMapping] = useState<Record<string, string>>({});
  const [defs, setDefs] = useState<AttributeDef[]>([]);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    contactsApi.attributes(workspace.id).then((p) => setDefs(p.items ?? []), () => {});
  }, [workspace.id]);

  // A background import: follow its progress until it is done.
  const following = report?.id && report.status === 'running' && !report.dry_run ? report.id : '';
  useImportProgress(workspace.id, following, setReport);

  const choose = async (f: File | null) => {
    setFile(f);
    setReport(null);
    if (!f) return;
    const first = (await f.slice(0, 64 * 1024).text()).split(/\r?\n/)[0] ?? '';
    const hs = first.split(',').map((h) => h.replace(/^"|"$/g, '').trim());
    setHeaders(hs);
    setMapping(Object.fromEntries(hs.map((h) => [h, guess(h, defs)])));
  };
  const run = async (dryRun: boolean) => {
    if (!file) return;
    setBusy(true);
    setError('');
    try {
      setReport(await importCSV(workspace.id, file, { mapping, dryRun }));
      if (!dryRun) onDone();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const options = [...FIELDS, ...defs.map((d) => 'attributes.' + d.key)];
  return (
    <div className="backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        className="dialog dialog-wide"
        role="dialog"
        aria-modal="true"
        aria-labelledby="import-title"
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.preventDefault();
            e.stopPropagation();
            onClose();
          }
        }}
      >
        <div className="dialog-head">
          <h2 id="import-title">Import contacts from CSV</h2>
          <button type="button" className="btn btn-ghost btn-sm" onClick={onClose}>
            Close
          </button>
        </div>
        <label className="field">
          <span>CSV file (up to 50 MB)</span>
          <input type="file" accept=".csv,text/csv" onChange={(e) => choose(e.target.files?.[0] ?? null)} />
        </label>
        {headers.length > 0 && (
          <table className="import-map">
            <caption>Column mapping (contacts are matched on email, else phone)</caption>
            <thead>
              <tr>
                <th scope="col">Column</th>
                <th scope="col">Contact field</th>
              </tr>
            </thead>
            <tbody>
              {headers.map((h) => (
                <tr key={h}>
                  <td>{h}</td>
                  <td>
                    <select aria-label={`Field for ${h}`} value={mapping[h] ?? ''} onChange={(e) => setMapping({ ...mapping, [h]: e.target.value })}>
                      {options.map((o) => (
                        <option key={o} value={o}>
                          {o || 'Skip'}
                        </option>
                      ))}
                    </select>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {error && (
          <p className="cc-error" role="alert">
            {error}
          </p>
        )}
        {report && (
          <div role="status" className="import-report">
            <p>
              {report.dry_run ? 'Dry run: ' : report.status === 'running' ? 'Importing… ' : 'Imported: '}
              {report.processed} of {report.total} rows — {report.created} new, {report.updated} updated, {report.unchanged} unchanged,{' '}
              {report.failed} with errors.
            </p>
            {report.status === 'running' && <progress max={report.total} value={report.processed} aria-label="Import progress" />}
            {report.errors.length > 0 && (
              <ul aria-label="Row errors">
                {report.errors.slice(0, 50).map((e) => (
                  <li key={e.row + (e.field ?? '')}>
                    Row {e.row}
                    {e.field ? ` (${e.field})` : ''}: {e.message}
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
        <div className="cc-actions">
          <button type="button" className="btn" disabled={!file || busy} onClick={() => run(true)}>
            Dry run
          </button>
          <button type="button" className="btn btn-primary" disabled={!file || busy} onClick={() => run(false)}>
            Import
          </button>
        </div>
      </div>
    </div>
  );
}
