/**
 * Which TypeScript type a resolver's parent is, per GraphQL type: the record the subgraph's data
 * access returns (cut from its TypeORM entities), not the GraphQL shape. Paths are relative to the
 * generated file (subgraphs/<name>/src/generated/).
 */
import type { SubgraphName } from './outputs.js';

export const SUBGRAPH_MAPPERS: Record<SubgraphName, Record<string, string>> = {
  account: {
    Customer: '../db/accounts.js#AccountRecord',
  },
  inventory: {
    Product: '{ id: string }',
    StockItem: '../domain/stock.js#StockRow',
    DistributionRound: '../db/records.js#Round',
    RoundSale: '../domain/rounds.js#RoundSale as RoundSaleRecord',
    StockMovement: '../db/records.js#MovementEntry',
    DepletionNotice: '../live/notifications.js#DepletionFact',
  },
  manufacturer: {
    Manufacturer: '../db/records.js#Manufacturer as ManufacturerRecord',
    Product: '../db/records.js#Product as ProductRecord',
    Settlement: '../db/records.js#Settlement as SettlementRecord',
    SettlementLine: '../db/records.js#SettlementLine as SettlementLineRecord',
    ManufacturerNotice: '../live/notices.js#Notice',
  },
  order: {
    Customer: '../db/records.js#CustomerRecord',
    Cart: '{ customerId: string }',
    CartLine: '../db/records.js#CartLineRecord',
    RemovedCartLine: '../db/cart-removals.js#CartRemovalRecord',
    Order: '../db/records.js#OrderRecord',
    OrderLine: '../db/records.js#OrderLineRecord',
    StockShortage: '../db/records.js#ShortageRecord',
    Purchase: '../db/records.js#PurchaseRecord',
  },
};
