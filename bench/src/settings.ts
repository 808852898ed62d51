/** How long and how hard each part runs: full (the record) and quick (the smoke check, < 60 s). */
export interface BenchSettings {
  mode: 'full' | 'quick';
  gateway: { connections: number; warmupSeconds: number; durationSeconds: number; repeats: number; pageSize: number; compareWith: Array<'apollo' | 'hive' | 'hive-router'> };
  reservations: { concurrency: number[]; durationSeconds: number; repeats: number; spreadProducts: number };
  live: { subscribers: number[]; ordersPerSecond: number; durationSeconds: number; connectBatch: number };
  nPlusOne: { pageSizes: number[]; repeats: number };
  startup: { seeded: boolean; timeoutSeconds: number };
  fixture: { manufacturers: number; productsPerManufacturer: number; customers: number; orders: number; spreadSupply: number; hotSupply: number };
  /**
   * Event polling of the subgraph host (and inventory's round-period watch): NOTIFY wakes every
   * event loop; a long interval keeps idle pollers out of the statement counts.
   */
  eventPollIntervalMs: number;
}

export const FULL: BenchSettings = {
  mode: 'full',
  gateway: { connections: 10, warmupSeconds: 2, durationSeconds: 8, repeats: 3, pageSize: 20, compareWith: ['apollo', 'hive', 'hive-router'] },
  reservations: { concurrency: [1, 10, 50], durationSeconds: 8, repeats: 3, spreadProducts: 100 },
  live: { subscribers: [1000, 5000], ordersPerSecond: 10, durationSeconds: 12, connectBatch: 250 },
  nPlusOne: { pageSizes: [10, 100], repeats: 3 },
  startup: { seeded: true, timeoutSeconds: 120 },
  fixture: { manufacturers: 4, productsPerManufacturer: 28, customers: 50, orders: 110, spreadSupply: 1_000_000, hotSupply: 1_000_000 },
  eventPollIntervalMs: 600_000,
};

export const QUICK: BenchSettings = {
  mode: 'quick',
  // Quick: only the comparison the targets name (each gateway process costs seconds to start).
  gateway: { connections: 10, warmupSeconds: 0.5, durationSeconds: 1, repeats: 1, pageSize: 20, compareWith: ['hive-router'] },
  reservations: { concurrency: [10], durationSeconds: 1, repeats: 1, spreadProducts: 100 },
  live: { subscribers: [100], ordersPerSecond: 10, durationSeconds: 2, connectBatch: 100 },
  nPlusOne: { pageSizes: [10, 100], repeats: 2 },
  startup: { seeded: false, timeoutSeconds: 60 },
  fixture: { manufacturers: 4, productsPerManufacturer: 28, customers: 10, orders: 102, spreadSupply: 1_000_000, hotSupply: 1_000_000 },
  eventPollIntervalMs: 600_000,
};
