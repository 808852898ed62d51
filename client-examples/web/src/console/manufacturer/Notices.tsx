import { useState } from 'react';
import type { OperationVariables } from '@apollo/client';
import { useApolloClient } from '@apollo/client/react';
import { LiveBadge } from '../../components/LiveBadge';
import { useLiveSubscription } from '../../live';
import { ON_MANUFACTURER_NOTICES } from '../operations';
import type { ManufacturerNotice } from '../types';

const LATEST = 20;

/** The manufacturer's own notices as they happen: each sale, each product sold out, each settlement booked. */
export function Notices() {
  const client = useApolloClient();
  const [notices, setNotices] = useState<ManufacturerNotice[]>([]);
  const mode = useLiveSubscription<{ manufacturerNotices: ManufacturerNotice }, OperationVariables>(ON_MANUFACTURER_NOTICES, {
    onData: ({ manufacturerNotices: notice }) => {
      setNotices((previous) => [notice, ...previous].slice(0, LATEST));
      // A settlement booked is a new row of the settlements list, and lower supply.
      if (notice.kind === 'SETTLED') void client.refetchQueries({ include: ['Settlements', 'MyProducts'] });
    },
  });
  return (
    <section className="notices" data-testid="notices" data-count={notices.length}>
      <h2>
        Notices <LiveBadge mode={mode} />
      </h2>
      {notices.length === 0 ? (
        <p className="muted small">Sales, sold-out products and settlements appear here as they happen.</p>
      ) : (
        <ul>
          {notices.map((n, i) => (
            <li key={`${n.at}-${i}`} className={`notice-${n.kind.toLowerCase()}`} data-testid={`notice-${n.kind.toLowerCase()}`} data-product={n.product?.id ?? ''}>
              <span className={`kind ${n.kind.toLowerCase()}`}>{n.kind}</span> {describe(n)}
              <span className="muted small"> {new Date(n.at).toLocaleTimeString()}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function describe(n: ManufacturerNotice): string {
  if (n.kind === 'SOLD') return `${n.quantity} × ${n.product?.name} ordered (round ${n.roundNumber})`;
  if (n.kind === 'DEPLETED') return `${n.product?.name} sold out at the distributor (round ${n.roundNumber})`;
  return `round ${n.settlement?.roundNumber ?? n.roundNumber} booked: ${n.settlement?.unitsSold ?? n.quantity} units, ${n.settlement?.revenue ?? ''}`;
}
