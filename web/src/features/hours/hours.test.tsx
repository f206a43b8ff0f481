import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { settingsPage } from '../../Settings';
import { renderWithSession } from '../../test/session';
import { emptyWeek, type Schedule, type WorkspaceHours } from './api';
import { HoursPage } from './HoursPage';
import { InboxHoursPanel } from './InboxHours';
import { nextInterval, overnight, ScheduleEditor } from './ScheduleEditor';

function json(status: number, body: unknown) {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json' } });
}

const stored: WorkspaceHours = {
  enabled: false,
  time_zone: 'UTC',
  week: { ...emptyWeek(), mon: [{ start: '09:00', end: '17:00' }] },
  holidays: [],
  away_enabled: false,
  away_message: 'We are closed.',
};

afterEach(() => vi.unstubAllGlobals());

describe('ScheduleEditor', { timeout: 20_000 }, () => {
  function Harness({ initial, onChange }: { initial: Schedule; onChange: (s: Schedule) => void }) {
    return <ScheduleEditor label="Hours" value={initial} onChange={onChange} />;
  }
  it('adds a second interval after the first, edits it, and removes a day’s hours', () => {
    const onChange = vi.fn();
    const s: Schedule = { time_zone: 'Europe/Berlin', week: { ...emptyWeek(), mon: [{ start: '09:00', end: '12:00' }] }, holidays: [] };
    render(<Harness initial={s} onChange={onChange} />);
    expect(screen.getByRole('row', { name: /Tuesday/ }).textContent).toContain('Closed');
    fireEvent.click(screen.getByRole('button', { name: 'Add hours on Monday' }));
    expect(onChange.mock.calls[0][0].week.mon).toEqual([
      { start: '09:00', end: '12:00' },
      { start: '13:00', end: '14:00' },
    ]);
    fireEvent.change(screen.getByLabelText('Monday interval 1 end'), { target: { value: '12:30' } });
    expect(onChange.mock.calls[1][0].week.mon[0]).toEqual({ start: '09:00', end: '12:30' });
    fireEvent.click(screen.getByRole('button', { name: 'Remove Monday interval 1' }));
    expect(onChange.mock.calls[2][0].week.mon).toEqual([]);
  });
  it('marks an interval overnight and adds a named holiday', () => {
    const onChange = vi.fn();
    const s: Schedule = { time_zone: 'UTC', week: { ...emptyWeek(), fri: [{ start: '22:00', end: '24:00' }] }, holidays: [] };
    render(<Harness initial={s} onChange={onChange} />);
    expect((screen.getByLabelText('Friday interval 1 end') as HTMLInputElement).value).toBe('00:00');
    fireEvent.click(screen.getByRole('checkbox', { name: /ends next day/ }));
    expect(onChange.mock.calls[0][0].week.fri[0]).toEqual({ start: '22:00', end: '00:00', next_day: true });
    fireEvent.click(screen.getByRole('button', { name: 'Add a holiday' }));
    expect(onChange.mock.calls[1][0].holidays).toEqual([{ date: '', name: '' }]);
  });
  it('proposes intervals and midnight sensibly', () => {
    expect(nextInterval([])).toEqual({ start: '09:00', end: '17:00' });
    expect(nextInterval([{ start: '09:00', end: '23:30' }])).toEqual({ start: '00:00', end: '01:00' });
    expect(overnight({ start: '22:00', end: '00:00', next_day: true }, false)).toEqual({ start: '22:00', end: '24:00' });
  });
});

describe('HoursPage', { timeout: 20_000 }, () => {
  it('loads, turns the hours and the away message on, and saves them', async () => {
    const calls: [string, RequestInit | undefined][] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string, init?: RequestInit) => {
        calls.push([url, init]);
        return init?.method === 'PUT' ? json(200, { ...JSON.parse(init.body as string), updated_at: 'now' }) : json(200, stored);
      }),
    );
    renderWithSession(<HoursPage />);
    fireEvent.click(await screen.findByRole('checkbox', { name: /Use business hours/ }));
    expect(screen.getByLabelText('Monday interval 1 start')).toBeTruthy();
    fireEvent.click(screen.getByRole('checkbox', { name: /Send an away message/ }));
    fireEvent.change(screen.getByLabelText('Away message'), { target: { value: 'Back at nine.' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save business hours' }));
    await screen.findByText('Business hours saved.');
    const [url, init] = calls[1];
    expect(url).toBe('/api/v1/workspaces/ws1/business-hours');
    const sent = JSON.parse(init!.body as string);
    expect(sent).toMatchObject({ enabled: true, away_enabled: true, away_message: 'Back at nine.', time_zone: 'UTC' });
    expect(sent.week.mon).toEqual([{ start: '09:00', end: '17:00' }]);
  });
  it('shows the server’s refusal naming the field', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async (_url: string, init?: RequestInit) =>
        init?.method === 'PUT'
          ? json(422, { title: 'Unprocessable Entity', status: 422, detail: 'This interval overlaps week.mon[0].', errors: [{ location: 'body.week.mon[1]' }] })
          : json(200, { ...stored, enabled: true }),
      ),
    );
    renderWithSession(<HoursPage />);
    fireEvent.click(await screen.findByRole('button', { name: 'Save business hours' }));
    expect((await screen.findByRole('alert')).textContent).toContain('overlaps week.mon[0]');
  });
  it('is read-only for agents', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => json(200, stored)));
    renderWithSession(<HoursPage />, 'agent');
    await screen.findByRole('checkbox', { name: /Use business hours/ });
    expect(screen.queryByRole('button', { name: 'Save business hours' })).toBeNull();
  });
});

describe('InboxHoursPanel', { timeout: 20_000 }, () => {
  it('switches an inbox to its own hours, starting from the workspace’s, and saves', async () => {
    let put: unknown = null;
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string, init?: RequestInit) => {
        if (init?.method === 'PUT') {
          put = JSON.parse(init.body as string);
          return json(200, put);
        }
        return url.includes('/inboxes/') ? json(200, { inbox_id: 'i1', mode: 'inherit', away_message: '' }) : json(200, stored);
      }),
    );
    renderWithSession(<InboxHoursPanel inboxId="i1" />);
    fireEvent.click(await screen.findByRole('radio', { name: /Its own hours/ }));
    fireEvent.change(screen.getByLabelText('Time zone'), { target: { value: 'UTC' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save hours' }));
    await waitFor(() => expect(put).not.toBeNull());
    expect(put).toMatchObject({ mode: 'own', schedule: { time_zone: 'UTC', week: { mon: [{ start: '09:00', end: '17:00' }] } } });
    fireEvent.click(screen.getByRole('radio', { name: /Always open/ }));
    expect(screen.queryByLabelText('Away message for this inbox')).toBeNull();
  });
});

describe('settings page', { timeout: 20_000 }, () => {
  it('knows the business hours page', () => {
    expect(settingsPage('/settings/hours')).toBe('hours');
  });
});
