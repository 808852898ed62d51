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
import { latestRoundNumber } from './db/round-schedule.js';

export interface Loaders {
  /** A product's stock; a product inventory has never heard of (or a malformed id) has empty stock. */
  stock: DataLoader<string, StockRow>;
  salesOfRound: DataLoader<number, RoundSale[]>;
  /** The latest round's number (any key): read once per request however many rounds ask. */
  latestRoundNumber: DataLoader<0, number | null>;
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
    latestRoundNumber: new DataLoader<0, number | null>(async (keys) => {
      const latest = await latestRoundNumber(database);
      return keys.map(() => latest);
    }),
  };
}
