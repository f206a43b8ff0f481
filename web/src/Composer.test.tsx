import { act, fireEvent, render, screen } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { clearDrafts, Composer } from './Composer';

function setup(id = 'c1', onSend = vi.fn(async () => {}), onTyping = vi.fn()) {
  const r = render(<Composer conversationId={id} channelName="SMS" onSend={onSend} onTyping={onTyping} />);
  return { ...r, onSend, onTyping, box: () => screen.getByRole('textbox') as HTMLTextAreaElement };
}

describe('Composer', () => {
  beforeEach(() => clearDrafts());

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
