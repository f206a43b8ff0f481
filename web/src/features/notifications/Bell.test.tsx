import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { mockFetch } from '../../test/fakes';
import { renderWithSession } from '../../test/session';
import type { AppNotification } from './api';
import { Bell } from './Bell';
import { publishNotification } from './bus';
import { NotificationSettings } from './Preferences';

const note = (over: Partial<AppNotification> = {}): AppNotification => ({
  id: 'n1',
  type: 'assigned',
  conversation_id: 'c1',
  message_id: '',
  actor: { kind: 'system', name: '' },
  text: 'Conversation #3 with Zoe was assigned to you',
  created_at: '2026-12-01T10:00:00Z',
  read_at: null,
  ...over,
});

describe('Bell', () => {
  it('counts unread, shows a live one as a toast with Open, and marks it read when opened', async () => {
    const { calls } = mockFetch({
      'GET /notifications': () => ({ items: [note({ id: 'old', text: 'Older one' })], next_cursor: '', unread: 1 }),
      'POST /notifications/{id}/read': () => note({ read_at: '2026-12-01T10:01:00Z' }),
    });
    renderWithSession(<Bell />, 'agent');
    expect(await screen.findByTestId('bell-count')).toHaveProperty('textContent', '1');
    act(() => publishNotification(note()));
    act(() => publishNotification(note())); // replayed after a reconnect: counted once
    expect(screen.getByTestId('bell-count').textContent).toBe('2');
    expect(screen.getByTestId('notification-toast').textContent).toContain('assigned to you');
    fireEvent.click(screen.getByRole('button', { name: 'Open' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'POST' && c.path === '/notifications/n1/read')).toBe(true));
    expect(window.location.pathname).toBe('/conversations/c1');
    expect(screen.getByTestId('bell-count').textContent).toBe('1');
    fireEvent.click(screen.getByRole('button', { name: /^Notifications\W+1 unread$/ }));
    expect(screen.getByRole('dialog', { name: 'Notifications' }).textContent).toContain('Older one');
  });
});

describe('Bell toasts', () => {
  it('stacks what arrives together (a mention is not hidden by the next notice) and keeps three', async () => {
    mockFetch({ 'GET /notifications': () => ({ items: [], next_cursor: '', unread: 0 }) });
    renderWithSession(<Bell />, 'agent');
    await waitFor(() => expect(screen.queryByTestId('bell-count')).toBeNull());
    act(() => publishNotification(note({ id: 'm', type: 'mention', text: 'Ana mentioned you in #3: look' })));
    act(() => publishNotification(note({ id: 'a', text: 'Conversation #4 with Zoe was assigned to you' })));
    let shown = screen.getAllByTestId('notification-toast').map((t) => t.textContent);
    expect(shown).toHaveLength(2);
    expect(shown[0]).toContain('mentioned you');
    fireEvent.click(screen.getAllByRole('button', { name: 'Dismiss' })[1]);
    shown = screen.getAllByTestId('notification-toast').map((t) => t.textContent);
    expect(shown).toEqual([expect.stringContaining('mentioned you')]);
    for (const id of ['x', 'y', 'z']) act(() => publishNotification(note({ id, text: 'Notice ' + id })));
    shown = screen.getAllByTestId('notification-toast').map((t) => t.textContent);
    expect(shown).toEqual([expect.stringContaining('Notice x'), expect.stringContaining('Notice y'), expect.stringContaining('Notice z')]);
  });
});

describe('NotificationSettings', () => {
  it('saves the scope and a channel', async () => {
    const types = Object.fromEntries(
      ['new_conversation', 'new_message', 'assigned', 'mention', 'handoff', 'waiting', 'channel_failing', 'suggestion'].map((t) => [
        t,
        { in_app: true, push: true, email: false, sound: true },
      ]),
    );
    const { calls } = mockFetch({
      'GET /notifications': () => ({ items: [], next_cursor: '', unread: 0 }),
      'GET /me/notification-preferences': () => ({ scope: 'all', types, time_zone: 'UTC', quiet_hours: [], email_delay_minutes: 30 }),
      'PUT /me/notification-preferences': (c) => c.body,
    });
    renderWithSession(<NotificationSettings />, 'agent');
    fireEvent.click(await screen.findByLabelText('Mentions only'));
    fireEvent.click(screen.getByLabelText('New customer message (my conversations): Sound'));
    fireEvent.click(screen.getByRole('button', { name: 'Save preferences' }));
    expect(await screen.findByText('Preferences saved.')).toBeTruthy();
    const put = calls.find((c) => c.method === 'PUT')!.body as { scope: string; types: Record<string, { sound: boolean }> };
    expect(put.scope).toBe('mentions');
    expect(put.types.new_message.sound).toBe(false);
  });
});
