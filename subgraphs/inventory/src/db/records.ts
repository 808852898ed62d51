/**
 * What inventory's data access returns, and the rows its raw statements select: each cut from
 * the entities, so a column's type is written once, on its entity.
 */
import type { Columns } from '@distribution/db';
import type { DistributionRoundEntity, ProductEntity, StockItemEntity, StockMovementEntity } from './entities/index.js';

export type Round = Pick<DistributionRoundEntity, 'number' | 'status' | 'openedAt' | 'endsAt' | 'closedAt' | 'closeReason'>;

/** A distribution_round row as `SELECT *` gives it. */
export type RoundColumns = Columns<DistributionRoundEntity>;

export const toRound = (r: Pick<RoundColumns, 'number' | 'status' | 'opened_at' | 'ends_at' | 'closed_at' | 'close_reason'>): Round => ({
  number: r.number,
  status: r.status,
  openedAt: r.opened_at,
  endsAt: r.ends_at,
  closedAt: r.closed_at,
  closeReason: r.close_reason,
});

/** A stock row joined with its product, by column name: what every reader of stock selects. */
export type StockColumns = Columns<StockItemEntity, 'productId' | 'onHand' | 'reserved' | 'lowStockThreshold' | 'roundNumber'> &
  Columns<ProductEntity, 'manufacturerId' | 'category'>;

/** A movement of the ledger, as the operator pages through them. */
export type MovementEntry = Pick<StockMovementEntity, 'id' | 'productId' | 'roundNumber' | 'kind' | 'quantity' | 'orderId' | 'createdAt'>;
