// The labels of a list row, as small coloured chips after the name.
import type { Tag } from '../settings/api';
import { colourOf } from './labels';

export function LabelDots({ labels, cat }: { labels: string[] | null | undefined; cat: Tag[] }) {
  if (!labels?.length) return null;
  return (
    <span className="row-labels" aria-label={'Labels: ' + labels.join(', ')}>
      {labels.slice(0, 3).map((n) => {
        const c = colourOf(cat, n);
        return (
          <span key={n} className="row-label" style={c ? { borderColor: c, color: c } : undefined} title={n}>
            {n}
          </span>
        );
      })}
      {labels.length > 3 && <span className="row-label">+{labels.length - 3}</span>}
    </span>
  );
}
