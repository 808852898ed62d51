/**
 * The operations only the operator's console and the manufacturer's view use, one `.graphql` file each
 * under ./operations (loaded as text, as the page loaded the shared ones before codegen); the shared
 * files of client-examples/operations they also use are re-exported here as their typed documents.
 */
import { gql, type DocumentNode } from '@apollo/client';

export {
  BusStatusDocument as BUS_STATUS,
  OpenRoundDocument as OPEN_ROUND,
  CloseRoundDocument as CLOSE_ROUND,
  MyProductsDocument as MY_PRODUCTS,
  ProduceDocument as PRODUCE,
  SettlementsDocument as SETTLEMENTS,
} from '../../../operations/generated/graphql';

const files = import.meta.glob('./operations/*.graphql', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;

function op(name: string): DocumentNode {
  const text = files[`./operations/${name}.graphql`];
  if (!text) throw new Error(`No operation ${name}`);
  return gql(text);
}

export type BusService = 'inventory' | 'order' | 'manufacturer';

export const ROUND_SALES = op('RoundSales');
export const ON_MANUFACTURER_NOTICES = op('OnMyManufacturerNotices');

/** Per service: retry and discard of its parked events, and the notices of what its consumers park. */
export const BUS_REPAIRS: Record<BusService, { retry: DocumentNode; discard: DocumentNode; notices: DocumentNode }> = {
  inventory: { retry: op('RetryParkedInventoryEvent'), discard: op('DiscardParkedInventoryEvent'), notices: op('OnInventoryBusNotices') },
  order: { retry: op('RetryParkedOrderEvent'), discard: op('DiscardParkedOrderEvent'), notices: op('OnOrderBusNotices') },
  manufacturer: { retry: op('RetryParkedManufacturerEvent'), discard: op('DiscardParkedManufacturerEvent'), notices: op('OnManufacturerBusNotices') },
};
