import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { useRef, useState } from 'react';
import { insertAt, moveIndex, searchEmoji, type EmojiGroup } from './Emoji';
import { EmojiButton } from './EmojiButton';

const groups: EmojiGroup[] = [
  { name: 'Smileys', emojis: [{ emoji: '😀', name: 'grinning face' }, { emoji: '😂', name: 'face with tears of joy' }] },
  { name: 'Food', emojis: [{ emoji: '🍕', name: 'pizza' }, { emoji: '🍓', name: 'strawberry' }] },
];

describe('emoji helpers', () => {
  it.each([
    ['pizza', ['🍕']],
    ['face', ['😂', '😀']],
    ['grinning face', ['😀']],
    ['', []],
    ['zzz', []],
  ])('searchEmoji(%j)', (q, want) => {
    expect(searchEmoji(groups, q).map((e) => e.emoji)).toEqual(want);
  });

  it.each([
    ['ArrowRight', 0, 20, 1],
    ['ArrowRight', 19, 20, 19],
    ['ArrowLeft', 0, 20, 0],
    ['ArrowDown', 3, 20, 11],
    ['ArrowDown', 15, 20, 15],
    ['ArrowUp', 11, 20, 3],
    ['ArrowUp', 3, 20, 3],
    ['Home', 9, 20, 0],
    ['End', 2, 20, 19],
    ['a', 2, 20, -1],
    ['ArrowRight', 0, 0, -1],
  ])('moveIndex(%s, %i, %i) = %i', (key, i, n, want) => {
    expect(moveIndex(key, i, n)).toBe(want);
  });

  it('insertAt replaces the selection', () => {
    expect(insertAt('hello world', 6, 11, '🌍')).toEqual({ text: 'hello 🌍', caret: 8 });
    expect(insertAt('hi', 2, 2, '👋')).toEqual({ text: 'hi👋', caret: 4 });
  });
});

function Harness({ onText }: { onText: (s: string) => void }) {
  const ref = useRef<HTMLTextAreaElement>(null);
  const [text, setText] = useState('Hi ');
  return (
    <>
      <textarea ref={ref} aria-label="Reply" value={text} onChange={(e) => setText(e.target.value)} />
      <EmojiButton
        textarea={ref}
        text={text}
        setText={(v) => {
          setText(v);
          onText(v);
        }}
      />
    </>
  );
}

describe('EmojiButton', () => {
  it('opens the picker, finds by name, inserts by keyboard and closes with Escape', { timeout: 20_000 }, async () => {
    const onText = vi.fn();
    render(<Harness onText={onText} />);
    const ta = screen.getByLabelText('Reply') as HTMLTextAreaElement;
    ta.setSelectionRange(3, 3);
    fireEvent.click(screen.getByRole('button', { name: 'Insert emoji' }));
    const search = await screen.findByRole('searchbox', { name: 'Search emoji' });
    // The emoji data is a chunk of its own: loading it may take a while on a busy machine.
    await waitFor(() => expect(screen.getAllByRole('gridcell').length).toBeGreaterThan(10), { timeout: 10_000 });
    fireEvent.change(search, { target: { value: 'thumbs up' } });
    const cell = await screen.findByRole('gridcell', { name: 'thumbs up' }, { timeout: 5_000 });
    fireEvent.keyDown(search, { key: 'ArrowDown' });
    expect(document.activeElement).toBe(cell);
    fireEvent.click(cell);
    expect(onText).toHaveBeenLastCalledWith('Hi 👍');
    fireEvent.keyDown(cell, { key: 'Escape' });
    expect(screen.queryByRole('dialog', { name: 'Emoji' })).toBeNull();
  });
});
