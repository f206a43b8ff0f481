import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { settingsPage } from '../../Settings';
import type { Conversation, Message } from '../../types';
import { AIControls } from './Controls';
import { AIBadge } from './Reasoning';

const reasoning = {
  intent: 'question',
  confidence: 0.82,
  sentiment: 0.1,
  sources: [{ id: 'k1', title: 'Do you ship to Canada?', score: 0.82 }],
  provider: 'builtin',
  model: 'parley-builtin-1',
  latency_ms: 3,
  explanation: 'Answered from the FAQ.',
};

afterEach(() => vi.restoreAllMocks());

describe('AIBadge', () => {
  it('opens the reasoning with the source used', () => {
    const m = { id: 'm1', sender: { kind: 'ai' }, ai_reasoning: reasoning } as unknown as Message;
    render(<AIBadge m={m} />);
    expect(screen.queryByLabelText('AI reasoning')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'AI' }));
    const panel = screen.getByLabelText('AI reasoning');
    expect(panel.textContent).toContain('Do you ship to Canada?');
    expect(panel.textContent).toContain('82%');
    expect(panel.textContent).toContain('parley-builtin-1');
  });
  it('is a plain mark without reasoning', () => {
    render(<AIBadge m={{ id: 'm2', sender: { kind: 'ai' } } as unknown as Message} />);
    expect(screen.queryByRole('button')).toBeNull();
  });
});

describe('AIControls', () => {
  it('shows the handoff banner and takes over with Alt+Shift+T', async () => {
    const fetchMock = vi.spyOn(globalThis, 'fetch').mockResolvedValue(new Response('{}', { status: 200, headers: { 'Content-Type': 'application/json' } }));
    const c = { id: 'c1', ai_mode: 'active', handoff: true, handoff_reason: 'human_request' } as unknown as Conversation;
    render(<AIControls ws="w1" conversation={c} />);
    expect(screen.getByText(/The customer asked for a person/)).toBeTruthy();
    fireEvent.keyDown(window, { code: 'KeyT', altKey: true, shiftKey: true });
    await waitFor(() => expect(fetchMock).toHaveBeenCalled());
    const [url, init] = fetchMock.mock.calls[0] as [string, RequestInit];
    expect(url).toBe('/api/v1/workspaces/w1/conversations/c1');
    expect(JSON.parse(init.body as string)).toEqual({ ai_mode: 'paused' });
  });
  it('is hidden where the AI is off and never handed off', () => {
    const { container } = render(<AIControls ws="w1" conversation={{ id: 'c2', ai_mode: 'manual' } as unknown as Conversation} />);
    expect(container.textContent).toBe('');
  });
});

describe('settings pages', () => {
  it('knows the AI pages', () => {
    expect(settingsPage('/settings/ai')).toBe('ai');
    expect(settingsPage('/settings/knowledge')).toBe('knowledge');
  });
});
