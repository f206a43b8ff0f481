import { render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { decodeEntities, markedWords, Snippet, snippetParts } from './Snippet';

describe('search snippets', () => {
  it('renders only <mark> from the server, everything else as text', () => {
    const html = 'the &lt;script&gt;alert(1)&lt;/script&gt; <mark>refund</mark> &amp; <b>bold</b> <img src=x onerror=alert(1)> <mark>now</mark>';
    const { container } = render(<Snippet html={html} />);
    const span = container.querySelector('.snippet')!;
    expect(span.querySelectorAll('*').length).toBe(2);
    expect(Array.from(span.querySelectorAll('mark')).map((m) => m.textContent)).toEqual(['refund', 'now']);
    expect(span.textContent).toBe('the <script>alert(1)</script> refund & bold  now');
    expect(container.querySelector('script, img, b')).toBeNull();
  });

  it('splits and decodes', () => {
    expect(snippetParts('a <MARK>b</MARK> c')).toEqual([
      { text: 'a ', mark: false },
      { text: 'b', mark: true },
      { text: ' c', mark: false },
    ]);
    expect(decodeEntities('&quot;x&#39;&#x41;&bogus;')).toBe('"x\'A&bogus;');
    expect(markedWords('<mark>Refund</mark> and <mark>refund</mark> <mark>later</mark>')).toEqual(['refund', 'later']);
  });
});
