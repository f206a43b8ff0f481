import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SessionContext, type Session } from '../../session';
import type { Message } from '../../types';
import { FeedbackButtons, FeedbackReview, forgetVotes } from './Feedback';

const json = (v: unknown, status = 200) => new Response(JSON.stringify(v), { status, headers: { 'Content-Type': 'application/json' } });

type Call = { url: string; method: string; body: unknown };

// route answers the API by method and path and records the calls.
function route(answers: Record<string, (body: unknown) => unknown>) {
  const calls: Call[] = [];
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const url = String(input);
    const method = init?.method ?? 'GET';
    const body = init?.body ? JSON.parse(String(init.body)) : undefined;
    calls.push({ url, method, body });
    const key = Object.keys(answers).find((k) => `${method} ${url}`.startsWith(k));
    if (!key) return json({ title: 'no route' }, 404);
    return json(answers[key](body));
  });
  return calls;
}

const vote = { id: 'f1', message_id: 'm1', conversation_id: 'c1', user_id: 'u1', question: 'Warranty?', knowledge_id: '', reviewed_by: '' };

beforeEach(() => forgetVotes());
afterEach(() => vi.restoreAllMocks());

describe('FeedbackButtons', () => {
  const m = { id: 'm1', conversation_id: 'c1', sender: { kind: 'ai' }, content: 'I am passing you to a person.' } as unknown as Message;

  it('shows the agent’s vote, rates down and sends a better answer for review', async () => {
    const calls = route({
      'GET /api/v1/workspaces/w1/conversations/c1/ai-feedback': () => ({ items: [{ ...vote, rating: 'up', correction: '', status: 'none' }] }),
      'POST /api/v1/workspaces/w1/conversations/c1/messages/m1/ai-feedback': (b) => ({ ...vote, ...(b as object), status: (b as { correction: string }).correction ? 'pending' : 'none' }),
    });
    render(<FeedbackButtons ws="w1" m={m} />);
    await waitFor(() => expect(screen.getByRole('button', { name: 'Good answer' }).getAttribute('aria-pressed')).toBe('true'));
    fireEvent.click(screen.getByRole('button', { name: 'Bad answer' }));
    await waitFor(() => expect(screen.getByRole('button', { name: 'Bad answer' }).getAttribute('aria-pressed')).toBe('true'));
    expect(calls.at(-1)?.body).toEqual({ rating: 'down', correction: '' });
    fireEvent.change(screen.getByLabelText('Better answer'), { target: { value: 'Every blender has a two-year warranty.' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send for review' }));
    await screen.findByText('Your better answer waits for an admin.');
    expect(calls.at(-1)?.body).toEqual({ rating: 'down', correction: 'Every blender has a two-year warranty.' });
    expect(calls.filter((c) => c.method === 'GET')).toHaveLength(1);
  });

  it('shows the error the API names', async () => {
    vi.spyOn(globalThis, 'fetch').mockImplementation(async (_i, init) =>
      init?.method === 'POST' ? json({ title: 'Unprocessable', detail: 'Only the AI’s replies take feedback.', status: 422 }, 422) : json({ items: [] }),
    );
    render(<FeedbackButtons ws="w1" m={m} />);
    fireEvent.click(screen.getByRole('button', { name: 'Good answer' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/.+/);
  });
});

describe('FeedbackReview', () => {
  const session = { workspace: { id: 'w1', role: 'admin' } } as unknown as Session;

  it('approves an edited correction and removes it from the pending list', async () => {
    const calls = route({
      'GET /api/v1/workspaces/w1/ai/feedback?status=pending': () => ({
        items: [{ ...vote, rating: 'down', correction: 'Two years.', status: 'pending', reply: 'I am passing you to a person.', user_name: 'Bo', conversation_number: 7 }],
      }),
      'POST /api/v1/workspaces/w1/ai/feedback/f1/approve': () => ({ ...vote, status: 'approved' }),
    });
    render(
      <SessionContext.Provider value={session}>
        <FeedbackReview />
      </SessionContext.Provider>,
    );
    const item = await screen.findByText(/Bo rated the AI reply/);
    expect(item.textContent).toContain('#7');
    fireEvent.change(screen.getByLabelText('Customer question'), { target: { value: 'What is the blender warranty?' } });
    fireEvent.change(screen.getByLabelText('Better answer'), { target: { value: 'Every blender has a two-year warranty.' } });
    fireEvent.click(screen.getByRole('button', { name: 'Approve' }));
    await waitFor(() => expect(screen.queryByText(/Bo rated the AI reply/)).toBeNull());
    expect(calls.at(-1)).toEqual({
      url: '/api/v1/workspaces/w1/ai/feedback/f1/approve',
      method: 'POST',
      body: { question: 'What is the blender warranty?', answer: 'Every blender has a two-year warranty.' },
    });
  });

  it('lists the rejected ones read-only when asked', async () => {
    route({
      'GET /api/v1/workspaces/w1/ai/feedback?status=pending': () => ({ items: [] }),
      'GET /api/v1/workspaces/w1/ai/feedback?status=rejected': () => ({
        items: [{ ...vote, rating: 'down', correction: 'Three years.', status: 'rejected', reply: 'x', user_name: 'Ada', conversation_number: 2 }],
      }),
    });
    render(
      <SessionContext.Provider value={session}>
        <FeedbackReview />
      </SessionContext.Provider>,
    );
    await screen.findByText('Nothing here.');
    fireEvent.change(screen.getByLabelText('Show'), { target: { value: 'rejected' } });
    await screen.findByText(/Ada rated the AI reply/);
    expect(screen.queryByRole('button', { name: 'Approve' })).toBeNull();
    expect((screen.getByLabelText('Better answer') as HTMLTextAreaElement).readOnly).toBe(true);
  });
});
