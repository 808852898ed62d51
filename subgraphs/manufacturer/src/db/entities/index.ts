/** The manufacturer service's tables as entities: registered on its DataSource, and the row types of its data access. */
import { eventEntities } from '@distribution/events';
import { ManufacturerEntity } from './manufacturer.js';
import { ProductEntity } from './product.js';
import { SettlementLineEntity } from './settlement-line.js';
import { SettlementEntity } from './settlement.js';
import { SupplyMovementEntity } from './supply-movement.js';

export { ManufacturerEntity, ProductEntity, SettlementEntity, SettlementLineEntity, SupplyMovementEntity };
export type { SupplyMovementReason } from './supply-movement.js';

export const entities = [...eventEntities, ManufacturerEntity, ProductEntity, SupplyMovementEntity, SettlementEntity, SettlementLineEntity];
