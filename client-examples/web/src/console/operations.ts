/**
 * The operations only the operator's console and the manufacturer's view use, one `.graphql` file each
 * under ./operations (loaded as the page loads the shared ones in ../operations.ts); the shared files
 * of client-examples/operations they also use are re-exported here.
 */
import { gql, type DocumentNode } from '@apollo/client';

const files = import.meta.glob('./operations/*.graphql', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;
const shared = import.meta.glob('../../../operations/{BusStatus,CloseRound,MyProducts,OpenRound,Produce,Settlements}.graphql', {
  query: '?raw',
  import: 'default',
  eager: true,
}) as Record<string, string>;

function op(name: string): DocumentNode {
  const text = files[`./operations/${name}.graphql`] ?? shared[`../../../operations/${name}.graphql`];
  if (!text) throw new Error(`No operation ${name}`);
  return gql(text);
}

export type BusService = 'inventory' | 'order' | 'manufacturer';

export const BUS_STATUS = op('BusStatus');
export const OPEN_ROUND = op('OpenRound');
export const CLOSE_ROUND = op('CloseRound');
export const ROUND_SALES = op('RoundSales');
export const MY_PRODUCTS = op('MyProducts');
export const PRODUCE = op('Produce');
export const SETTLEMENTS = op('Settlements');
export const ON_MANUFACTURER_NOTICES = op('OnMyManufacturerNotices');

/** Per service: retry and discard of its parked events, and the notices of what its consumers park. */
export const BUS_REPAIRS: Record<BusService, { retry: DocumentNode; discard: DocumentNode; notices: DocumentNode }> = {
  inventory: { retry: op('RetryParkedInventoryEvent'), discard: op('DiscardParkedInventoryEvent'), notices: op('OnInventoryBusNotices') },
  order: { retry: op('RetryParkedOrderEvent'), discard: op('DiscardParkedOrderEvent'), notices: op('OnOrderBusNotices') },
  manufacturer: { retry: op('RetryParkedManufacturerEvent'), discard: op('DiscardParkedManufacturerEvent'), notices: op('OnManufacturerBusNotices') },
};
