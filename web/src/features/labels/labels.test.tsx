import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/react';
import { diffNames, rowColour, toggle } from './labels';
import { RowMenu, type RowMenuActions } from './RowMenu';
import type { Conversation } from '../../types';

const cat = {
  labels: [
    { id: '1', name: 'VIP', color: '#dc2626' },
    { id: '2', name: 'Plain', color: '' },
  ],
  tags: [{ id: '3', name: 'billing', color: '' }],
};

describe('labels helpers', () => {
  it.each([
    [['a'], 'b', ['a', 'b']],
    [['a', 'B'], 'b', ['a']],
    [null, 'x', ['x']],
  ])('toggle(%j, %s)', (list, name, want) => {
    expect(toggle(list, name)).toEqual(want);
  });
  it.each([
    [['Plain', 'vip'], '#dc2626'],
    [['Plain'], ''],
    [[], ''],
    [['unknown'], ''],
  ])('rowColour(%j)', (labels, want) => {
    expect(rowColour(labels, cat.labels)).toBe(want);
  });
});

describe('RowMenu', () => {
  it('shows labels as checkboxes, toggles one, moves with arrows and closes with Escape', () => {
    const actions: RowMenuActions = { setNames: vi.fn(), toggle: vi.fn(), markRead: vi.fn(), markUnread: vi.fn(), pin: vi.fn(), close: vi.fn() };
    const c = { id: 'c1', number: 7, unread_count: 2, labels: ['Plain', 'Gone'], tags: [], contact: { name: 'Ana' } } as unknown as Conversation;
    render(<RowMenu conversation={c} cat={cat} x={10} y={10} actions={actions} />);
    const menu = screen.getByRole('menu', { name: 'Conversation #7 with Ana' });
    expect(document.activeElement).toBe(screen.getByRole('menuitem', { name: 'Mark as read' }));
    expect(screen.getByRole('menuitemcheckbox', { name: 'VIP' }).getAttribute('aria-checked')).toBe('false');
    expect(screen.getByRole('menuitemcheckbox', { name: 'Plain' }).getAttribute('aria-checked')).toBe('true');
    // A label not in the catalogue any more can still be removed.
    expect(screen.getByRole('menuitemcheckbox', { name: 'Gone' }).getAttribute('aria-checked')).toBe('true');
    fireEvent.keyDown(menu, { key: 'ArrowDown' });
    expect(document.activeElement).toBe(screen.getByRole('menuitem', { name: 'Pin' }));
    fireEvent.click(screen.getByRole('menuitemcheckbox', { name: 'VIP' }));
    expect(actions.toggle).toHaveBeenCalledWith('labels', 'VIP');
    fireEvent.change(screen.getByLabelText('New label'), { target: { value: 'Urgent' } });
    fireEvent.submit(screen.getByLabelText('New label'));
    expect(actions.setNames).toHaveBeenCalledWith('labels', ['Plain', 'Gone', 'Urgent']);
    fireEvent.keyDown(menu, { key: 'Escape' });
    expect(actions.close).toHaveBeenCalled();
  });
});

describe('diffNames', () => {
  it.each([
    [[], ['A'], { add: ['A'], remove: [] }],
    [['A', 'B'], ['B'], { add: [], remove: ['A'] }],
    [null, [], { add: [], remove: [] }],
    [['vip'], ['VIP'], { add: ['VIP'], remove: ['vip'] }],
  ])('diffNames(%j, %j)', (cur, next, want) => expect(diffNames(cur, next)).toEqual(want));
});
