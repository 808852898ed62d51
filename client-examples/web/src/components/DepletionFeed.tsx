import { useState } from 'react';
import { ON_STOCK_DEPLETED } from '../operations';
import { useLiveSubscription } from '../live';
import type { OnStockDepletedSubscription } from '../../../operations/generated/graphql';

type Notice = OnStockDepletedSubscription['stockDepleted'];

/** Products running out, as it happens (the latest first). */
export function DepletionFeed() {
  const [notices, setNotices] = useState<Notice[]>([]);
  const mode = useLiveSubscription(ON_STOCK_DEPLETED, { onData: ({ stockDepleted }) => setNotices((n) => [stockDepleted, ...n].slice(0, 10)) });
  return (
    <section className="depletions" data-testid="depletions" data-mode={mode}>
      <h2>Sold out</h2>
      {mode === 'polling' ? <p className="muted small">Depletion notices appear here once the gateway serves stockDepleted.</p> : null}
      {mode === 'live' && notices.length === 0 ? <p className="muted small">Nothing has run out yet.</p> : null}
      <ul>
        {notices.map((n) => (
          <li key={`${n.product.id}-${n.at}`} data-testid={`depleted-${n.product.id}`}>
            <strong>{n.product.name}</strong> ({n.product.manufacturer.name}) ran out in round {n.roundNumber}
            <span className="muted small"> {new Date(n.at).toLocaleTimeString()}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
