import { fireEvent, render, screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { FilterBuilder, type BuilderOptions } from './FilterBuilder';
import type { Filter } from './api';

const options: BuilderOptions = {
  channels: ['email', 'whatsapp'],
  inboxes: [{ value: '11111111-1111-1111-1111-111111111111', label: 'Support' }],
  members: [{ value: '22222222-2222-2222-2222-222222222222', label: 'Bo' }],
  teams: [],
};

function setup(value: Filter | null = null, error = '') {
  const onChange = vi.fn();
  const onSort = vi.fn();
  const onSave = vi.fn();
  const r = render(<FilterBuilder value={value} onChange={onChange} error={error} sort="newest" onSort={onSort} options={options} onSave={onSave} />);
  return { onChange, onSort, onSave, ...r };
}

describe('FilterBuilder', () => {
  it('applies the basic filters at once', () => {
    const { onChange } = setup();
    fireEvent.change(screen.getByLabelText('Channel'), { target: { value: 'whatsapp' } });
    expect(onChange).toHaveBeenLastCalledWith({ match: 'all', conditions: [{ field: 'channel', op: 'eq', value: 'whatsapp' }] });
    fireEvent.change(screen.getByLabelText('Has phone'), { target: { value: 'false' } });
    expect(onChange).toHaveBeenLastCalledWith({
      match: 'all',
      conditions: [
        { field: 'channel', op: 'eq', value: 'whatsapp' },
        { field: 'has_phone', op: 'eq', value: false },
      ],
    });
  });

  it('adds a condition under More, with Match any, and sends it only once complete', () => {
    const { onChange } = setup();
    fireEvent.click(screen.getByRole('button', { name: 'More' }));
    fireEvent.click(screen.getByRole('button', { name: 'Add condition' }));
    expect(onChange).not.toHaveBeenCalled();
    fireEvent.change(screen.getByLabelText('Condition 1 field'), { target: { value: 'tag' } });
    fireEvent.change(screen.getByLabelText('Condition 1 value'), { target: { value: 'vip' } });
    expect(onChange).toHaveBeenLastCalledWith({ match: 'all', conditions: [{ field: 'tag', op: 'eq', value: 'vip' }] });
    fireEvent.click(screen.getByLabelText('Match any'));
    expect(onChange).toHaveBeenLastCalledWith({ match: 'any', conditions: [{ field: 'tag', op: 'eq', value: 'vip' }] });
    fireEvent.change(screen.getByLabelText('Condition 1 operator'), { target: { value: 'exists' } });
    expect(onChange).toHaveBeenLastCalledWith({ match: 'any', conditions: [{ field: 'tag', op: 'exists', value: true }] });
    fireEvent.click(screen.getByRole('button', { name: 'Remove condition 1' }));
    expect(onChange).toHaveBeenLastCalledWith(null);
  });

  it('offers assignee "Nobody" and the sort toggle', () => {
    const { onChange, onSort } = setup();
    fireEvent.click(screen.getByRole('button', { name: 'More' }));
    fireEvent.click(screen.getByRole('button', { name: 'Add condition' }));
    fireEvent.change(screen.getByLabelText('Condition 1 field'), { target: { value: 'assignee' } });
    fireEvent.change(screen.getByLabelText('Condition 1 value'), { target: { value: 'none' } });
    expect(onChange).toHaveBeenLastCalledWith({ match: 'all', conditions: [{ field: 'assignee', op: 'eq', value: 'none' }] });
    fireEvent.change(screen.getByLabelText('Sort'), { target: { value: 'priority' } });
    expect(onSort).toHaveBeenCalledWith('priority');
  });

  it('shows a filter from a link or a saved filter, and the 422 beside the condition it names', () => {
    const value: Filter = {
      match: 'all',
      conditions: [
        { field: 'channel', op: 'eq', value: 'email' },
        { field: 'source', op: 'contains', value: 'spring' },
      ],
    };
    setup(value, 'Condition 2 (source): contains needs a non-empty string.');
    expect((screen.getByLabelText('Channel') as HTMLSelectElement).value).toBe('email');
    const row = screen.getByTestId('filter-row');
    expect((within(row).getByLabelText('Condition 1 value') as HTMLInputElement).value).toBe('spring');
    expect(within(row).getByRole('alert').textContent).toContain('contains needs a non-empty string');
  });

  it('shows a 422 about the whole filter above the actions, and Save asks to save', () => {
    const { onSave } = setup({ match: 'all', conditions: [{ field: 'channel', op: 'eq', value: 'email' }] }, 'A filter has at most 20 conditions.');
    expect(screen.getByRole('alert').textContent).toBe('A filter has at most 20 conditions.');
    fireEvent.click(screen.getByRole('button', { name: 'Save filter…' }));
    expect(onSave).toHaveBeenCalled();
  });
});
