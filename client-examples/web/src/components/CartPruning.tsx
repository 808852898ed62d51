/**
 * Lines that left the cart, told in a dialog: those the customer prunes (sold out, discontinued, or
 * more than is available), and those the distributor took out by itself (a product discontinued),
 * which the cart reports as `removedLines` until pruneCart has told them.
 */
import { useEffect, useRef, useState } from 'react';
import { useMutation } from '@apollo/client/react';
import { PRUNE_CART } from '../operations';
import type { CartLine } from '../types';

export interface RemovedLine {
  product: { id: string; name: string };
  quantity: number;
  kept?: number;
  reason: NonNullable<CartLine['problem']>;
  removedAt: string;
}

const WHY: Record<RemovedLine['reason'], string> = {
  DISCONTINUED: 'discontinued by its manufacturer',
  OUT_OF_STOCK: 'sold out',
  INSUFFICIENT_STOCK: 'not that many left',
};

/**
 * pruneCart, and what it removed for the dialog. When the cart reports lines the distributor took
 * out (`removedLines`), it prunes by itself once, so the customer is told of them (and they are forgotten).
 */
export function useCartPruning(removedByDistributor: RemovedLine[] | undefined) {
  const [pruneCart, { loading }] = useMutation(PRUNE_CART, { refetchQueries: ['MyCart'] });
  const [removed, setRemoved] = useState<RemovedLine[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const prune = async () => {
    setProblem(null);
    try {
      const lines = (await pruneCart()).data?.pruneCart.removed ?? [];
      setRemoved(lines);
    } catch (error) {
      setProblem(`Could not tidy the cart: ${(error as Error).message}`);
    }
  };
  const told = useRef('');
  const pending = (removedByDistributor ?? []).map((l) => `${l.product.id}@${l.removedAt}`).join(',');
  useEffect(() => {
    if (!pending || pending === told.current) return;
    told.current = pending;
    void prune();
  }, [pending]);
  return { prune, pruning: loading, removed, problem, dismiss: () => setRemoved(null) };
}

export function PrunedDialog({ removed, onClose }: { removed: RemovedLine[]; onClose: () => void }) {
  return (
    <div className="backdrop" onClick={onClose}>
      <div className="dialog" role="dialog" aria-modal="true" aria-labelledby="pruned-title" data-testid="pruned-dialog" onClick={(e) => e.stopPropagation()}>
        <h2 id="pruned-title">Your cart changed</h2>
        {removed.length === 0 ? (
          <p>Nothing had to leave your cart: every line can be served.</p>
        ) : (
          <>
            <p>The distributor can no longer serve these, so they left your cart:</p>
            <ul>
              {removed.map((line) => (
                <li key={`${line.product.id}-${line.removedAt}`} data-testid={`pruned-${line.product.id}`} data-reason={line.reason}>
                  <strong>
                    {line.quantity} × {line.product.name}
                  </strong>{' '}
                  <span className="muted">
                    {WHY[line.reason]}
                    {line.kept ? `; ${line.kept} kept` : ''}
                  </span>
                </li>
              ))}
            </ul>
          </>
        )}
        <button className="primary" onClick={onClose} autoFocus data-testid="pruned-ok">
          OK
        </button>
      </div>
    </div>
  );
}
