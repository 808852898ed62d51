import { useCallback, useEffect, useState } from 'react';
import { useQuery } from '@apollo/client/react';
import { MY_ORDERS, ON_ORDER_STATUS_CHANGED } from '../operations';
import { useLiveSubscription, type LiveMode } from '../live';
import type { Order } from '../types';

const FINAL = new Set(['REJECTED', 'CANCELLED', 'FULFILLED']);

/** The customer's latest orders; each one still open follows its status live. */
export function Orders() {
  const { data, startPolling, stopPolling } = useQuery(MY_ORDERS, { variables: { first: 8 } });
  const orders = data?.me?.orders.edges.map((e) => e.node) ?? [];
  const [polling, setPolling] = useState(false);
  const onMode = useCallback((mode: LiveMode) => {
    if (mode === 'polling') setPolling(true);
  }, []);
  const open = orders.some((o) => !FINAL.has(o.status));
  useEffect(() => {
    if (polling && open) startPolling(3000);
    else stopPolling();
  }, [polling, open, startPolling, stopPolling]);
  return (
    <section className="orders">
      <h2>My orders</h2>
      {orders.length === 0 ? (
        <p className="muted">None yet.</p>
      ) : (
        <ul>
          {orders.map((o) => (
            <OrderRow key={o.id} order={o} onMode={onMode} />
          ))}
        </ul>
      )}
    </section>
  );
}

function OrderRow({ order, onMode }: { order: Order; onMode: (mode: LiveMode) => void }) {
  // Events are written to the cache as Order:<id>, so this row re-renders with the new status.
  const mode = useLiveSubscription(ON_ORDER_STATUS_CHANGED, { variables: { orderId: order.id }, skip: FINAL.has(order.status) });
  useEffect(() => {
    onMode(mode);
  }, [mode, onMode]);
  return (
    <li data-testid={`order-${order.id}`} data-status={order.status} data-mode={mode}>
      <span className={`status ${order.status.toLowerCase()}`}>{order.status}</span>
      <span className="lines">{order.lines.map((l) => `${l.quantity} × ${l.product.name}`).join(', ')}</span>
      <span className="num">{order.total}</span>
    </li>
  );
}
