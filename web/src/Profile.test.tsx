import { act, fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { Profile, revokedSummary } from './Profile';
import { mockFetch } from './test/fakes';
import { renderWithSession } from './test/session';

describe('revokedSummary', () => {
  it.each([
    [{ sessions: 0, api_tokens: 0 }, 'Password changed. There were no other sessions or API tokens to revoke.'],
    [{ sessions: 1, api_tokens: 0 }, 'Password changed. 1 other session was signed out.'],
    [{ sessions: 2, api_tokens: 1 }, 'Password changed. 2 other sessions were signed out and 1 API token was revoked.'],
    [{ sessions: 0, api_tokens: 3 }, 'Password changed. 3 API tokens were revoked.'],
  ])('says what %o means', (revoked, want) => {
    expect(revokedSummary(revoked)).toBe(want);
  });
});

describe('Profile', () => {
  it('says what the password change revoked', async () => {
    const { calls } = mockFetch({
      'POST /me/password': () => ({ revoked: { sessions: 2, api_tokens: 1 } }),
    });
    renderWithSession(<Profile />);
    const section = screen.getByRole('region', { name: 'Password' });
    const s = within(section);
    fireEvent.change(s.getByLabelText('Current password'), { target: { value: 'old password 1' } });
    fireEvent.change(s.getByLabelText('New password'), { target: { value: 'new password 12' } });
    await act(async () => {
      fireEvent.click(s.getByRole('button', { name: 'Change password' }));
    });
    expect(calls.some((c) => c.method === 'POST' && c.path === '/me/password')).toBe(true);
    expect((await s.findByRole('status')).textContent).toBe('Password changed. 2 other sessions were signed out and 1 API token was revoked.');
  });
});
