import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from './api';
import { Composer } from './Composer';
import { DraftStore, DraftsContext } from './features/composer/drafts';
import { mockFetch } from './test/fakes';
import { renderWithSession } from './test/session';

// The session's draft store, as the App provides it: drafts outlive a composer.
let drafts = new DraftStore();

function setup(id = 'c1', onSend = vi.fn(async () => {}), onTyping = vi.fn()) {
  const r = render(
    <DraftsContext.Provider value={drafts}>
      <Composer conversationId={id} channelName="SMS" onSend={onSend} onTyping={onTyping} />
    </DraftsContext.Provider>,
  );
  return { ...r, onSend, onTyping, box: () => screen.getByRole('textbox') as HTMLTextAreaElement };
}

describe('Composer', () => {
  beforeEach(() => {
    drafts = new DraftStore();
  });

  it('sends a reply on Ctrl+Enter and clears the box', async () => {
    const { onSend, box } = setup();
    fireEvent.change(box(), { target: { value: 'Hello there' } });
    await act(async () => {
      fireEvent.keyDown(box(), { key: 'Enter', ctrlKey: true });
    });
    expect(onSend).toHaveBeenCalledWith('Hello there', false);
    expect(box().value).toBe('');
  });

  it('does not send on a plain Enter by default', () => {
    const { onSend, box } = setup();
    fireEvent.change(box(), { target: { value: 'line one' } });
    const ev = fireEvent.keyDown(box(), { key: 'Enter' });
    expect(ev).toBe(true); // not prevented: the browser inserts the newline
    expect(onSend).not.toHaveBeenCalled();
  });

  it('sends on Enter when the setting is on', async () => {
    const { onSend, box } = setup();
    fireEvent.click(screen.getByLabelText('Enter sends'));
    expect(window.localStorage.getItem('parley.enterSends')).toBe('1');
    fireEvent.change(box(), { target: { value: 'quick' } });
    await act(async () => {
      fireEvent.keyDown(box(), { key: 'Enter' });
    });
    expect(onSend).toHaveBeenCalledWith('quick', false);
  });

  it('sends a private note from the note tab', async () => {
    const { onSend, box } = setup();
    fireEvent.click(screen.getByRole('button', { name: 'Private note' }));
    expect(box().getAttribute('aria-label')).toBe('Private note');
    fireEvent.change(box(), { target: { value: 'internal' } });
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Add note' }));
    });
    expect(onSend).toHaveBeenCalledWith('internal', true);
  });

  it('keeps the draft of each conversation', () => {
    const first = setup('c1');
    fireEvent.change(first.box(), { target: { value: 'draft for one' } });
    first.unmount();
    const second = setup('c2');
    expect(second.box().value).toBe('');
    second.unmount();
    const again = setup('c1');
    expect(again.box().value).toBe('draft for one');
    again.unmount();
    // Signing out (or switching workspace) clears the session's drafts.
    drafts.clear();
    expect(setup('c1').box().value).toBe('');
  });

  it('keeps no draft past the composer without a session store', () => {
    const first = render(<Composer conversationId="c1" channelName="SMS" onSend={async () => {}} />);
    fireEvent.change(screen.getByRole('textbox'), { target: { value: 'lost' } });
    first.unmount();
    render(<Composer conversationId="c1" channelName="SMS" onSend={async () => {}} />);
    expect((screen.getByRole('textbox') as HTMLTextAreaElement).value).toBe('');
  });

  it('reports typing on, and off after a pause or on send', async () => {
    vi.useFakeTimers();
    try {
      const { onTyping, box } = setup();
      fireEvent.change(box(), { target: { value: 'h' } });
      fireEvent.change(box(), { target: { value: 'hi' } });
      expect(onTyping.mock.calls).toEqual([['on']]);
      act(() => {
        vi.advanceTimersByTime(3500);
      });
      expect(onTyping.mock.calls).toEqual([['on'], ['off']]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('keeps the text and shows the error when sending fails', async () => {
    const onSend = vi.fn(async () => {
      throw new Error('The inbox is disconnected.');
    });
    const { box } = setup('c1', onSend);
    fireEvent.change(box(), { target: { value: 'keep me' } });
    await act(async () => {
      fireEvent.keyDown(box(), { key: 'Enter', ctrlKey: true });
    });
    expect(screen.getByRole('alert').textContent).toContain('The inbox is disconnected.');
    expect(box().value).toBe('keep me');
  });
});

describe('Composer reply windows', () => {
  beforeEach(() => {
    mockFetch({
      'GET /workspaces/{ws}/inboxes/{id}/templates': () => ({
        items: [{ name: 'hello', language: 'en_US', status: 'APPROVED', category: 'UTILITY', body: 'Hello {{1}}!', variables: 1 }],
        fetched_at: '2026-01-01T10:00:00Z',
      }),
    });
  });
  const HOUR = 3600_000;

  function wa(lastInboundAt: number | null | undefined, onSend = vi.fn(async () => {}), onSendTemplate = vi.fn(async () => {})) {
    renderWithSession(
      <Composer
        conversationId="c1"
        channelName="WhatsApp"
        channel="whatsapp"
        inboxId="wa1"
        lastInboundAt={lastInboundAt}
        onSend={onSend}
        onSendTemplate={onSendTemplate}
      />,
    );
    return { onSend, onSendTemplate };
  }

  it('shows the open WhatsApp window and how long it lasts', () => {
    wa(Date.now() - 20.5 * HOUR);
    const w = screen.getByTestId('reply-window');
    expect(w.getAttribute('data-state')).toBe('open');
    expect(w.textContent).toMatch(/24-hour window open: free-form replies for 3 h (29|30) min more\./);
    expect(screen.getByRole('textbox', { name: 'Reply' }).getAttribute('aria-describedby')).toBe(w.id);
  });

  it('switches to the template picker when the window is closed, and sends a template', async () => {
    const { onSendTemplate } = wa(Date.now() - 30 * HOUR);
    const w = screen.getByTestId('reply-window');
    expect(w.getAttribute('data-state')).toBe('template_only');
    expect(w.textContent).toContain('only approved templates');
    expect(screen.getByRole('button', { name: 'Template' }).getAttribute('aria-pressed')).toBe('true');
    const select = (await screen.findByLabelText('Template')) as HTMLSelectElement;
    await waitFor(() => expect(select.options.length).toBe(2));
    fireEvent.change(select, { target: { value: 'hello\u0000en_US' } });
    fireEvent.change(screen.getByLabelText('Variable {{1}}'), { target: { value: 'Kim' } });
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Send template' }));
    });
    expect(onSendTemplate).toHaveBeenCalledWith({ name: 'hello', language: 'en_US', parameters: ['Kim'] });
    // A free-form reply is not offered while the window is closed; notes are.
    fireEvent.click(screen.getByRole('button', { name: 'Reply' }));
    fireEvent.change(screen.getByRole('textbox', { name: 'Reply' }), { target: { value: 'hi' } });
    expect((screen.getByRole('button', { name: 'Send' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Private note' }));
    fireEvent.change(screen.getByRole('textbox', { name: 'Private note' }), { target: { value: 'fyi' } });
    expect((screen.getByRole('button', { name: 'Add note' }) as HTMLButtonElement).disabled).toBe(false);
    expect(screen.queryByTestId('reply-window')).toBeNull();
  });

  it("shows the server's 422 about templates clearly and switches to the picker", async () => {
    const onSend = vi.fn(async () => {
      throw new ApiError(422, { status: 422, detail: "The customer's last WhatsApp message is more than 24 hours old: outside the 24-hour window WhatsApp only allows an approved template message. Send a template instead." }, '');
    });
    wa(undefined, onSend);
    expect(screen.getByTestId('reply-window').getAttribute('data-state')).toBe('unknown');
    fireEvent.change(screen.getByRole('textbox', { name: 'Reply' }), { target: { value: 'Sorry for the wait' } });
    await act(async () => {
      fireEvent.keyDown(screen.getByRole('textbox', { name: 'Reply' }), { key: 'Enter', ctrlKey: true });
    });
    expect(screen.getByRole('alert').textContent).toContain('Send a template instead.');
    expect(screen.getByRole('button', { name: 'Template' }).getAttribute('aria-pressed')).toBe('true');
    await screen.findByLabelText('Template');
    // The draft is kept for when the customer writes again.
    fireEvent.click(screen.getByRole('button', { name: 'Reply' }));
    expect((screen.getByRole('textbox', { name: 'Reply' }) as HTMLTextAreaElement).value).toBe('Sorry for the wait');
  });

  it('shows the Messenger HUMAN_AGENT tag after 24 hours, and no reply after 7 days', () => {
    const { unmount } = renderWithSession(
      <Composer conversationId="m1" channelName="Messenger" channel="messenger" inboxId="fb1" lastInboundAt={Date.now() - 30 * HOUR} onSend={async () => {}} />,
    );
    const w = screen.getByTestId('reply-window');
    expect(w.getAttribute('data-state')).toBe('human_agent');
    expect(w.textContent).toMatch(/HUMAN_AGENT tag, allowed for 5 days 1\d h more/);
    expect(screen.getByText('Replies go out by Messenger, tagged HUMAN_AGENT')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Template' })).toBeNull();
    unmount();
    renderWithSession(
      <Composer conversationId="m2" channelName="Messenger" channel="messenger" inboxId="fb1" lastInboundAt={Date.now() - 8 * 24 * HOUR} onSend={async () => {}} />,
    );
    expect(screen.getByTestId('reply-window').getAttribute('data-state')).toBe('closed');
    fireEvent.change(screen.getByRole('textbox', { name: 'Reply' }), { target: { value: 'hi' } });
    expect((screen.getByRole('button', { name: 'Send' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('shows no window on channels without one', () => {
    renderWithSession(<Composer conversationId="s1" channelName="SMS" channel="twilio_sms" lastInboundAt={0} onSend={async () => {}} />);
    expect(screen.queryByTestId('reply-window')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Template' })).toBeNull();
  });
});
