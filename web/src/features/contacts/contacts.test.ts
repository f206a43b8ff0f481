import { describe, expect, it } from 'vitest';
import { filterQuery } from './api';
import { contactIdFromPath } from './ContactsScreen';

describe('contacts routing and filters', () => {
  it('reads the contact id from /contacts/{id}', () => {
    expect(contactIdFromPath('/contacts/abc')).toBe('abc');
    expect(contactIdFromPath('/contacts')).toBeNull();
    expect(contactIdFromPath('/contacts/abc/more')).toBeNull();
  });
  it('puts only the filters that are set in the query string', () => {
    expect(filterQuery({ q: '+1 415', tag: '', archived: 'any', sort: 'name_asc' })).toBe('q=%2B1+415&archived=any&sort=name_asc');
  });
});
