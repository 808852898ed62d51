/** Inventory's tables as entities: registered on its DataSource, and the row types of its data access. */
import { eventEntities } from '@distribution/events';
import { DistributionRoundEntity } from './distribution-round.js';
import { ProductEntity } from './product.js';
import { ReservationEntity } from './reservation.js';
import { RoundSaleEntity } from './round-sale.js';
import { RoundSettlementEntity } from './round-settlement.js';
import { StockItemEntity } from './stock-item.js';
import { StockMovementEntity } from './stock-movement.js';
import { OrderRejectionEntity } from './order-rejection.js';

export { OrderRejectionEntity, DistributionRoundEntity, ProductEntity, ReservationEntity, RoundSaleEntity, RoundSettlementEntity, StockItemEntity, StockMovementEntity };
export type { ReservationStatus } from './reservation.js';

export const entities = [
  ...eventEntities,
  ProductEntity,
  StockItemEntity,
  DistributionRoundEntity,
  ReservationEntity,
  StockMovementEntity,
  RoundSaleEntity,
  RoundSettlementEntity,
  OrderRejectionEntity,
];
