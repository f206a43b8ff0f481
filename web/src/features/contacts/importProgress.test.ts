import { describe, expect, it } from 'vitest';
import type { ImportReport } from './api';
import { progressFrom } from './importProgress';

const running: ImportReport = {
  id: 'imp1',
  status: 'running',
  dry_run: false,
  total: 3000,
  processed: 500,
  created: 500,
  updated: 0,
  unchanged: 0,
  failed: 2,
  errors: [{ row: 7, field: 'email', message: 'bad' }],
};

describe('progressFrom', () => {
  it('takes the counts of an event about the import and keeps its row errors', () => {
    const next = progressFrom({ type: 'contact_import.updated', data: { ...running, processed: 1000, created: 998, errors: null } }, running);
    expect(next).toMatchObject({ processed: 1000, created: 998, status: 'running' });
    expect(next?.errors).toEqual(running.errors);
  });
  it('ignores other imports, other events and stale progress', () => {
    expect(progressFrom({ type: 'contact_import.updated', data: { ...running, id: 'imp2', processed: 900 } }, running)).toBeNull();
    expect(progressFrom({ type: 'contact.updated', data: { id: 'imp1', processed: 900 } }, running)).toBeNull();
    expect(progressFrom({ type: 'contact_import.updated', data: { ...running, processed: 100 } }, running)).toBeNull();
  });
  it('takes the final status', () => {
    expect(progressFrom({ type: 'contact_import.updated', data: { ...running, processed: 3000, status: 'done' } }, running)?.status).toBe('done');
  });
});
