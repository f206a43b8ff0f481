// Payment requests of a conversation: list, create, mark paid or cancelled.
// While one is unpaid the server refuses to resolve (409 naming it).
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useSession } from '../../session';
import { workdayApi, type PaymentRequest } from './api';

export function money(amount: number, currency: string): string {
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(amount / 100);
  } catch {
    return `${(amount / 100).toFixed(2)} ${currency}`;
  }
}

export function PaymentRequests({ conversationId, version }: { conversationId: string; version: number }) {
  const { workspace } = useSession();
  const ws = workspace.id;
  const [items, setItems] = useState<PaymentRequest[] | null>(null);
  const [adding, setAdding] = useState(false);
  const [amount, setAmount] = useState('');
  const [currency, setCurrency] = useState('EUR');
  const [description, setDescription] = useState('');
  const [error, setError] = useState('');

  const load = useCallback(() => {
    workdayApi.payments(ws, conversationId).then(
      (r) => setItems(r.items ?? []),
      (e) => setError((e as Error).message),
    );
  }, [ws, conversationId]);
  useEffect(load, [load, version]);

  async function create(e: FormEvent) {
    e.preventDefault();
    setError('');
    const cents = Math.round(parseFloat(amount.replace(',', '.')) * 100);
    if (!Number.isFinite(cents) || cents <= 0) {
      setError('Enter an amount above zero.');
      return;
    }
    try {
      const p = await workdayApi.createPayment(ws, conversationId, { amount: cents, currency: currency.trim().toUpperCase(), description: description.trim() });
      setItems((l) => [...(l ?? []).filter((x) => x.id !== p.id), p]);
      setAdding(false);
      setAmount('');
      setDescription('');
    } catch (err) {
      setError((err as Error).message);
    }
  }

  async function mark(p: PaymentRequest, status: 'paid' | 'cancelled') {
    setError('');
    try {
      const u = await workdayApi.setPayment(ws, conversationId, p.id, status);
      setItems((l) => (l ?? []).map((x) => (x.id === u.id ? u : x)));
    } catch (err) {
      setError((err as Error).message);
    }
  }

  return (
    <section className="card" aria-labelledby="payments-heading">
      <h2 id="payments-heading" className="card-title">
        Payment requests
      </h2>
      {items && items.length === 0 && <p className="muted">None.</p>}
      {items && items.length > 0 && (
        <ul className="payments" aria-label="Payment requests">
          {items.map((p) => (
            <li key={p.id} className={'payment payment-' + p.status}>
              <span>
                <strong>{money(p.amount, p.currency)}</strong> {p.description}{' '}
                <span className={'tag tag-xs payment-status-' + p.status}>{p.status}</span>
              </span>
              {p.status === 'unpaid' && (
                <span className="row gap">
                  <button type="button" className="btn btn-sm" onClick={() => mark(p, 'paid')}>
                    Mark paid
                  </button>
                  <button type="button" className="btn btn-sm btn-ghost" onClick={() => mark(p, 'cancelled')}>
                    Cancel request
                  </button>
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
      {adding ? (
        <form className="form" onSubmit={create} aria-label="New payment request">
          <div className="row gap">
            <label className="field grow">
              <span>Amount</span>
              <input inputMode="decimal" required value={amount} onChange={(e) => setAmount(e.target.value)} />
            </label>
            <label className="field">
              <span>Currency</span>
              <input required maxLength={3} size={4} value={currency} onChange={(e) => setCurrency(e.target.value)} />
            </label>
          </div>
          <label className="field">
            <span>Description</span>
            <input maxLength={500} value={description} onChange={(e) => setDescription(e.target.value)} />
          </label>
          <div className="row gap">
            <button type="submit" className="btn btn-primary btn-sm">
              Request payment
            </button>
            <button type="button" className="btn btn-sm" onClick={() => setAdding(false)}>
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <button type="button" className="btn btn-sm" onClick={() => setAdding(true)}>
          New payment request…
        </button>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
