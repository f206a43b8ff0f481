// The page for an address the app does not know.
import { TopBar } from '../../ui';
import { Link } from '../settings/shared';

export function NotFound({ path }: { path: string }) {
  return (
    <div className="app">
      <TopBar />
      <main className="page" aria-labelledby="nf-title">
        <section className="panel">
          <h1 id="nf-title">Page not found</h1>
          <p className="muted">
            There is nothing at <code>{path}</code>. The link may be mistyped or the page may have moved.
          </p>
          <Link to="/" className="btn btn-primary">
            Back to the inbox
          </Link>
        </section>
      </main>
    </div>
  );
}
