// Live progress of a background contact import: the job announces each
// committed batch on the workspace socket (contact_import.updated, counts
// only); the full report, with its row errors, is read when it finishes,
// after a resync, and every few seconds as a backstop.
import { useEffect } from 'react';
import { RealtimeClient } from '../../realtime';
import type { ServerEvent } from '../../types';
import { contactsApi, type ImportReport } from './api';

/** POLL_MS is the backstop poll while the socket is quiet. */
export const POLL_MS = 5000;

/** progressFrom merges an event's counts into the report it is about (null: not about it). */
export function progressFrom(e: ServerEvent, current: ImportReport): ImportReport | null {
  if (e.type !== 'contact_import.updated') return null;
  const d = e.data as Partial<ImportReport> | undefined;
  if (!d || d.id !== current.id || typeof d.processed !== 'number') return null;
  // Events may arrive after a poll that already saw more.
  if (d.processed < current.processed && current.status === 'running') return null;
  return { ...current, ...d, errors: current.errors } as ImportReport;
}

export function useImportProgress(ws: string, importId: string, setReport: (f: (r: ImportReport | null) => ImportReport | null) => void) {
  useEffect(() => {
    if (!importId) return;
    let stopped = false;
    const fetchReport = () => {
      contactsApi.importStatus(ws, importId).then(
        (r) => !stopped && setReport(() => r),
        () => {},
      );
    };
    const client = new RealtimeClient(ws, {
      onEvents: (events) => {
        for (const e of events) {
          const d = e.data as Partial<ImportReport> | undefined;
          if (e.type !== 'contact_import.updated' || d?.id !== importId) continue;
          setReport((r) => (r ? (progressFrom(e, r) ?? r) : r));
          if (d.status !== 'running') fetchReport(); // the final report, with its row errors
        }
      },
      onPresence: () => {},
      onReload: fetchReport,
      onState: () => {},
    });
    client.start();
    const poll = setInterval(fetchReport, POLL_MS);
    return () => {
      stopped = true;
      clearInterval(poll);
      client.stop();
    };
  }, [ws, importId, setReport]);
}
