import { describe, expect, it } from 'vitest';
import { previewPrefix } from './format';

describe('previewPrefix', () => {
  const out = { direction: 'out', sender_kind: 'agent', private: false };
  it('says You only to the author', () => {
    expect(previewPrefix({ ...out, sender_id: 'u1', sender_name: 'Ada' }, 'u1')).toBe('You: ');
  });
  it("names a colleague's reply by its author", () => {
    expect(previewPrefix({ ...out, sender_id: 'u2', sender_name: 'Bo Builder' }, 'u1')).toBe('Bo Builder: ');
  });
  it("prefers the member's current name", () => {
    expect(previewPrefix({ ...out, sender_id: 'u2', sender_name: 'Bo' }, 'u1', (id) => (id === 'u2' ? 'Bo Renamed' : undefined))).toBe('Bo Renamed: ');
  });
  it('marks the AI agent and leaves customer messages bare', () => {
    expect(previewPrefix({ direction: 'out', sender_kind: 'ai' }, 'u1')).toBe('AI: ');
    expect(previewPrefix({ direction: 'in', sender_kind: 'contact' }, 'u1')).toBe('');
    expect(previewPrefix(null, 'u1')).toBe('');
  });
});
