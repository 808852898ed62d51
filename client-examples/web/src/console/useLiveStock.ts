/**
 * Every product's stock, kept live: availabilityChanged without arguments first sends the stock of
 * every product (one event each), then each committed change, so no query is needed, and a socket
 * that reconnects sends the whole picture again.
 */
import { useState } from 'react';
import { ON_AVAILABILITY_CHANGED } from '../operations';
import { useLiveSubscription, type LiveMode } from '../live';
import type { StockFigure } from './types';

export function useLiveStock(): { stock: StockFigure[]; mode: LiveMode } {
  const [byProduct, setByProduct] = useState<ReadonlyMap<string, StockFigure>>(new Map());
  const mode = useLiveSubscription(ON_AVAILABILITY_CHANGED, {
    onData: ({ availabilityChanged }) => setByProduct((previous) => new Map(previous).set(availabilityChanged.product.id, availabilityChanged)),
  });
  const stock = [...byProduct.values()].sort((a, b) => a.product.name.localeCompare(b.product.name) || a.product.id.localeCompare(b.product.id));
  return { stock, mode };
}
