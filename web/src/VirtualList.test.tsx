import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { MAX_WINDOW, VirtualList } from './VirtualList';

const items = Array.from({ length: 10000 }, (_, i) => ({ id: 'r' + i, name: 'Row ' + i }));

function renderList(props: Partial<Parameters<typeof VirtualList<(typeof items)[0]>>[0]> = {}) {
  return render(
    <VirtualList
      items={items}
      rowHeight={68}
      itemKey={(x) => x.id}
      label="Conversations"
      renderRow={(x) => (
        <div role="option" aria-selected={false}>
          {x.name}
        </div>
      )}
      {...props}
    />,
  );
}

describe('VirtualList', () => {
  it('mounts a bounded window of 10,000 rows', () => {
    renderList();
    const rows = screen.getAllByRole('option');
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.length).toBeLessThanOrEqual(MAX_WINDOW);
    expect(rows[0].textContent).toBe('Row 0');
  });

  it('renders the rows under the scroll position', () => {
    renderList();
    const list = screen.getByRole('listbox', { name: 'Conversations' });
    list.scrollTop = 68 * 5000;
    fireEvent.scroll(list);
    const texts = screen.getAllByRole('option').map((r) => r.textContent);
    expect(texts).toContain('Row 5000');
    expect(texts).not.toContain('Row 0');
    expect(texts.length).toBeLessThanOrEqual(MAX_WINDOW);
  });

  it('keeps the active row mounted', () => {
    renderList({ activeIndex: 9999 });
    expect(screen.getByText('Row 9999')).toBeTruthy();
  });

  it('asks for more when the end comes into view', () => {
    const onEnd = vi.fn();
    const short = items.slice(0, 15);
    render(
      <VirtualList items={short} rowHeight={68} itemKey={(x) => x.id} label="L" renderRow={(x) => <div role="option" aria-selected={false}>{x.name}</div>} onEndReached={onEnd} />,
    );
    expect(onEnd).toHaveBeenCalledTimes(1);
  });
});
