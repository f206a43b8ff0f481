// Personal API tokens: create (the secret is shown once), list, revoke.
import { useEffect, useState, type FormEvent } from 'react';
import { CopyField } from '../../Settings';
import { settingsApi, type APIToken } from './api';
import { ConfirmButton, Result, useAction, when } from './shared';

export function TokensPage() {
  const [tokens, setTokens] = useState<APIToken[] | null>(null);
  const [name, setName] = useState('');
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const load = useAction();
  const create = useAction();
  const revoke = useAction();

  const { run: runLoad } = load;
  useEffect(() => {
    runLoad(async () => {
      const p = await settingsApi.tokens();
      setTokens(p.items ?? []);
    });
  }, [runLoad]);

  function submit(e: FormEvent) {
    e.preventDefault();
    create.run(async () => {
      const t = await settingsApi.createToken(name.trim());
      setCreated({ name: t.name, token: t.token });
      setTokens((list) => [{ id: t.id, name: t.name, created_at: t.created_at, last_used_at: null }, ...(list ?? [])]);
      setName('');
    });
  }

  return (
    <>
      <section className="panel" aria-labelledby="tokens-new">
        <h2 id="tokens-new">New API token</h2>
        <p className="muted">
          A token lets a script or another system use the API as you, with your access. Send it as{' '}
          <code>Authorization: Bearer …</code>.
        </p>
        <form className="form" onSubmit={submit} aria-label="New API token">
          <div className="field">
            <label htmlFor="token-name">Name</label>
            <input
              id="token-name"
              name="token_name"
              required
              maxLength={200}
              value={name}
              onChange={(e) => setName(e.target.value)}
              aria-describedby="token-name-help"
            />
            <small id="token-name-help" className="field-help muted">
              What the token is for, so you know which to revoke later (1 to 200 characters).
            </small>
          </div>
          <Result error={create.error} />
          <div>
            <button type="submit" className="btn btn-primary" disabled={create.busy}>
              {create.busy ? 'Creating…' : 'Create token'}
            </button>
          </div>
        </form>
        {created && (
          <div className="token-once" role="group" aria-label="New token">
            <p className="form-ok" role="status">
              Token “{created.name}” created. Copy it now: it is shown only once.
            </p>
            <CopyField label="Token" value={created.token} />
            <button type="button" className="btn btn-sm" onClick={() => setCreated(null)}>
              I have copied it
            </button>
          </div>
        )}
      </section>

      <section className="panel" aria-labelledby="tokens-list">
        <h2 id="tokens-list">Your tokens</h2>
        <Result error={load.error || revoke.error} ok={revoke.ok} />
        {!tokens && !load.error && <p className="muted">Loading tokens…</p>}
        {tokens && tokens.length === 0 && <p className="muted">You have no API tokens. Create one above when a script needs the API.</p>}
        {tokens && tokens.length > 0 && (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tokens.map((t) => (
                <tr key={t.id}>
                  <td>{t.name}</td>
                  <td>{when(t.created_at)}</td>
                  <td>{t.last_used_at ? when(t.last_used_at) : 'Never'}</td>
                  <td className="actions">
                    <ConfirmButton
                      label="Revoke"
                      confirm="Yes, revoke"
                      what={t.name}
                      busy={revoke.busy}
                      onConfirm={() =>
                        revoke.run(async () => {
                          await settingsApi.revokeToken(t.id);
                          setTokens((list) => (list ?? []).filter((x) => x.id !== t.id));
                          if (created && created.name === t.name) setCreated(null);
                          return `Token “${t.name}” revoked.`;
                        })
                      }
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
