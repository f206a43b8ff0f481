import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { knownPath } from '../../App';
import { settingsPage } from '../../Settings';
import { renderWithSession } from '../../test/session';
import { pickWorkspace, rememberWorkspace } from '../../workspaces';
import { ResetPasswordPage } from '../account/ResetPassword';
import { TokensPage } from './Tokens';

function jsonResponse(status: number, body: unknown) {
  return new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

describe('settingsPage and knownPath', () => {
  it('names every settings page and refuses unknown ones', () => {
    expect(settingsPage('/settings')).toBe('inboxes');
    expect(settingsPage('/settings/inboxes/abc')).toBe('inboxes');
    expect(settingsPage('/settings/members')).toBe('members');
    expect(settingsPage('/settings/tokens/')).toBe('tokens');
    expect(settingsPage('/settings/nowhere')).toBeNull();
  });
  it('tells the app’s screens from unknown addresses', () => {
    expect(knownPath('/')).toBe(true);
    expect(knownPath('/conversations/c1')).toBe(true);
    expect(knownPath('/profile')).toBe(true);
    expect(knownPath('/settings/labels')).toBe(true);
    expect(knownPath('/nothing/here')).toBe(false);
  });
});

describe('pickWorkspace', () => {
  beforeEach(() => localStorage.clear());
  const list = [
    { id: 'a', name: 'A', role: 'admin' },
    { id: 'b', name: 'B', role: 'agent' },
  ];
  it('opens the first workspace until one is chosen, then the chosen one', () => {
    expect(pickWorkspace(list)?.id).toBe('a');
    rememberWorkspace('b');
    expect(pickWorkspace(list)?.id).toBe('b');
  });
  it('falls back to the first when the remembered workspace is gone', () => {
    rememberWorkspace('gone');
    expect(pickWorkspace(list)?.id).toBe('a');
    expect(pickWorkspace([])).toBeUndefined();
  });
});

describe('TokensPage', () => {
  afterEach(() => vi.unstubAllGlobals());
  it('shows a new token once and lists it', async () => {
    const fetchMock = vi.fn(async (_url: string, init?: RequestInit) => {
      if (init?.method === 'POST') return jsonResponse(201, { id: 't1', name: 'CI', created_at: '2026-01-01T00:00:00Z', token: 'pat_secret' });
      return jsonResponse(200, { items: [], next_cursor: '' });
    });
    vi.stubGlobal('fetch', fetchMock);
    renderWithSession(<TokensPage />);
    await screen.findByText(/You have no API tokens/);
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'CI' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create token' }));
    await screen.findByText(/it is shown only once/);
    expect((screen.getByRole('textbox', { name: 'Token' }) as HTMLInputElement).value).toBe('pat_secret');
    expect(screen.getByRole('cell', { name: 'CI' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'I have copied it' }));
    expect(screen.queryByText('pat_secret')).toBeNull();
    expect(screen.queryByRole('textbox', { name: 'Token' })).toBeNull();
  });
});

describe('ResetPasswordPage', () => {
  afterEach(() => vi.unstubAllGlobals());
  it('states the password rule before the browser does and refuses differing passwords', async () => {
    const fetchMock = vi.fn(async () => jsonResponse(204, undefined));
    vi.stubGlobal('fetch', fetchMock);
    render(<ResetPasswordPage token="tok" />);
    expect(screen.getByText(/At least 8 characters/)).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'short' } });
    expect(screen.getByText(/5 of at least 8 characters/)).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'long enough now' } });
    fireEvent.change(screen.getByLabelText('Confirm password'), { target: { value: 'something else' } });
    fireEvent.click(screen.getByRole('button', { name: 'Set password' }));
    expect(screen.getByRole('alert').textContent).toBe('The two passwords differ.');
    expect(fetchMock).not.toHaveBeenCalled();
    fireEvent.change(screen.getByLabelText('Confirm password'), { target: { value: 'long enough now' } });
    fireEvent.click(screen.getByRole('button', { name: 'Set password' }));
    await screen.findByText('Your new password is set. Sign in with it.');
    await waitFor(() => expect(fetchMock).toHaveBeenCalledTimes(1));
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/v1/password-reset/confirm');
    expect(JSON.parse(String(init.body))).toEqual({ token: 'tok', password: 'long enough now' });
  });
});
