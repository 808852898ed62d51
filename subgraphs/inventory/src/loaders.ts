/**
 * Per-request DataLoaders: stock of many products, and sales of many rounds, each in ONE
 * statement however many entities a response (or an `_entities` call) needs.
 */
import DataLoader from 'dataloader';
import { isUuid, type ServiceDatabase } from '@distribution/db';
import { emptyStock, type StockRow } from './domain/stock.js';
import type { RoundSale } from './domain/rounds.js';
import { stockOfProducts } from './db/stock.js';
import { salesOfRounds } from './db/rounds.js';

export interface Loaders {
  /** A product's stock; a product inventory has never heard of (or a malformed id) has empty stock. */
  stock: DataLoader<string, StockRow>;
  salesOfRound: DataLoader<number, RoundSale[]>;
}

export function createLoaders(database: ServiceDatabase, defaultThreshold: number): Loaders {
  return {
    stock: new DataLoader<string, StockRow>(async (ids) => {
      const valid = [...new Set(ids.filter(isUuid).map((id) => id.toLowerCase()))];
      const found = new Map((await stockOfProducts(database, valid, defaultThreshold)).map((row) => [row.productId, row]));
      return ids.map((id) => found.get(id.toLowerCase()) ?? emptyStock(id, defaultThreshold));
    }),
    salesOfRound: new DataLoader<number, RoundSale[]>(async (numbers) => {
      const sales = await salesOfRounds(database, [...new Set(numbers)]);
      return numbers.map((n) => sales.filter((s) => s.roundNumber === n).map(({ roundNumber: _n, ...sale }) => sale));
    }),
  };
}
