/** What a simulation counts while it runs, and the percentile of its latencies. */

export interface SimulationStats {
  startedAt: number;
  customersRegistered: number;
  /** placeOrder answers, by what they said. */
  orders: { placed: number; confirmed: number; pending: number; rejected: number; roundNotOpen: number; cancelled: number; cancelRefused: number };
  /** placeOrder round trips, in milliseconds. */
  placeOrderLatencyMs: number[];
  cartShortages: number;
  production: { runs: number; units: number };
  rounds: { opened: number; closed: number };
  /** Events per subscription field; null for a field the gateway does not serve. */
  events: Record<string, number | null>;
  /** Unexpected failures by message (requests keep going). */
  errors: Map<string, number>;
}

export function newStats(): SimulationStats {
  return {
    startedAt: Date.now(),
    customersRegistered: 0,
    orders: { placed: 0, confirmed: 0, pending: 0, rejected: 0, roundNotOpen: 0, cancelled: 0, cancelRefused: 0 },
    placeOrderLatencyMs: [],
    cartShortages: 0,
    production: { runs: 0, units: 0 },
    rounds: { opened: 0, closed: 0 },
    events: {},
    errors: new Map(),
  };
}

export function recordError(stats: SimulationStats, error: unknown): void {
  const message = (error as Error).message ?? String(error);
  stats.errors.set(message, (stats.errors.get(message) ?? 0) + 1);
}

/** The p-th percentile (0..100) by nearest rank; null for no samples. */
export function percentile(samples: readonly number[], p: number): number | null {
  if (samples.length === 0) return null;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
