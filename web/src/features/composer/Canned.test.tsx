import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { Composer } from '../../Composer';
import type { ComposerCollab } from './useComposerExtras';

function setup(onSend = vi.fn(async () => {})) {
  const collab: ComposerCollab = {
    canned: vi.fn(async () => [
      { id: 'r1', short_code: 'hi', title: 'Greeting', category: 'Openers', body: 'Hi {{first_name}}, mail {{email}}', shared: true },
      { id: 'r2', short_code: 'bye', title: 'Farewell', category: 'Closers', body: 'Bye', shared: true },
    ]),
    render: vi.fn(async () => ({ content: 'Hi Ana, mail {{email}}', missing: ['email'] })),
    variables: vi.fn(async () => [
      { name: 'first_name', value: 'Ana' },
      { name: 'email', value: '' },
    ]),
    colleagues: [
      { id: 'u2', name: 'Bo Agent' },
      { id: 'u3', name: 'Cy' },
    ],
  };
  render(<Composer conversationId="c1" channelName="SMS" onSend={onSend} collab={collab} />);
  return { onSend, collab, box: () => screen.getByRole('textbox') as HTMLTextAreaElement };
}

describe('Composer canned replies and mentions', () => {
  it('opens the picker on / at the start, inserts the rendered reply and holds it until the variables are filled', async () => {
    const { onSend, collab, box } = setup();
    fireEvent.change(box(), { target: { value: '/gre' } });
    const option = await screen.findByRole('option', { name: /Greeting/ });
    expect(screen.queryByRole('option', { name: /Farewell/ })).toBeNull();
    expect(option.getAttribute('aria-selected')).toBe('true');
    await act(async () => {
      fireEvent.keyDown(box(), { key: 'Enter' });
    });
    expect(collab.render).toHaveBeenCalledWith('Hi {{first_name}}, mail {{email}}');
    await waitFor(() => expect(box().value).toBe('Hi Ana, mail {{email}}'));
    expect(screen.getByTestId('canned-missing').textContent).toContain('{{email}}');
    await act(async () => {
      fireEvent.keyDown(box(), { key: 'Enter', ctrlKey: true });
    });
    expect(onSend).not.toHaveBeenCalled();
    expect(screen.getByRole('alert').textContent).toContain('{{email}}');
    fireEvent.change(box(), { target: { value: 'Hi Ana, mail ana@example.com' } });
    await act(async () => {
      fireEvent.keyDown(box(), { key: 'Enter', ctrlKey: true });
    });
    expect(onSend).toHaveBeenCalledWith('Hi Ana, mail ana@example.com', false);
  });

  it('opens a search on Ctrl+/ and closes it on Escape', async () => {
    const { box } = setup();
    fireEvent.keyDown(box(), { key: '/', ctrlKey: true });
    const search = await screen.findByRole('textbox', { name: 'Search canned replies' });
    fireEvent.change(search, { target: { value: 'closers' } });
    expect(await screen.findByRole('option', { name: /Farewell/ })).toBeTruthy();
    fireEvent.keyDown(search, { key: 'Escape' });
    expect(screen.queryByRole('listbox')).toBeNull();
  });

  it('mentions a colleague in a note and sends their id', async () => {
    const { onSend } = setup();
    fireEvent.click(screen.getByRole('button', { name: 'Private note' }));
    const box = screen.getByRole('textbox', { name: 'Private note' }) as HTMLTextAreaElement;
    fireEvent.change(box, { target: { value: 'look @b', selectionStart: 7, selectionEnd: 7 } });
    fireEvent.mouseDown(await screen.findByRole('option', { name: '@Bo Agent' }));
    await waitFor(() => expect(box.value).toBe('look @Bo Agent '));
    await act(async () => {
      fireEvent.keyDown(box, { key: 'Enter', ctrlKey: true });
    });
    expect(onSend).toHaveBeenCalledWith('look @Bo Agent', true, [], ['u2']);
  });

  it('lists the variables with their values and inserts one on click', async () => {
    const { box } = setup();
    fireEvent.click(screen.getByRole('button', { name: 'Variables' }));
    const first = await screen.findByRole('button', { name: '{{first_name}}' });
    expect(first.getAttribute('title')).toBe('Ana');
    expect((screen.getByRole('button', { name: '{{email}}' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(first);
    expect(box().value).toBe('Ana');
  });
});
