/**
 * The simulation's actors, each a loop that runs until the run's signal aborts: virtual customers
 * who browse, fill carts, order and sometimes cancel; manufacturers who keep producing; an operator
 * who closes rounds when their time is up and opens the next once the last is settled.
 */
import { randomUUID } from 'node:crypto';
import { sleep } from '../client-examples/node/src/options.js';
import { GraphQLFailure, type Call } from './simulate-client.js';
import { recordError, type SimulationStats } from './simulate-stats.js';

export interface Offer {
  id: string;
  name: string;
  stock: { available: number };
}

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;
const between = (min: number, max: number) => min + Math.floor(Math.random() * (max - min + 1));

export interface CustomerOptions {
  anonymous: Call;
  signIn: (token: string) => Call;
  categories: string[];
  stats: SimulationStats;
  signal: AbortSignal;
  /** The run stops placing orders after this many, whatever the time. */
  maxOrders: number;
  /** Chance (0..1) that a customer cancels one of its confirmed orders after ordering. */
  cancelRate: number;
}

/** One virtual customer: registers, then browses, fills the cart and orders from it until the run ends. */
export async function runCustomer(index: number, options: CustomerOptions): Promise<void> {
  const { stats, signal } = options;
  const label = `${index}-${randomUUID().slice(0, 8)}`;
  let me: Call;
  try {
    const registered = (
      await options.anonymous('RegisterCustomer', { input: { name: `Simulated customer ${index}`, email: `sim-${label}@example.com`, password: `simulated ${label}` } })
    ).registerCustomer;
    me = options.signIn(registered.accessToken);
    stats.customersRegistered += 1;
  } catch (error) {
    // Every virtual customer registers from this one address: a gateway with production limits refuses most.
    recordError(
      stats,
      error instanceof GraphQLFailure && error.code === 'RATE_LIMITED'
        ? new Error('RegisterCustomer: RATE_LIMITED by the gateway (start it with a higher ACCOUNT_LIMIT_PER_ADDRESS, or use --self-contained)')
        : error,
    );
    return;
  }
  const confirmed: string[] = [];
  // Customers arrive over the first second or so rather than all at once.
  await sleep(between(0, 1000), signal);
  while (!signal.aborted && stats.orders.placed + stats.orders.roundNotOpen < options.maxOrders) {
    try {
      await sleep(between(100, 600), signal);
      if (signal.aborted) break;
      const offers: Offer[] = (await options.anonymous('Offers', { category: pick(options.categories) })).offers.filter((o: Offer) => o.stock.available > 0);
      if (offers.length === 0) continue;
      const wanted = new Set([pick(offers), ...(Math.random() < 0.4 ? [pick(offers)] : [])]);
      let inCart = 0;
      for (const offer of wanted) {
        const added = (await me('AddToCart', { productId: offer.id, quantity: between(1, Math.min(3, offer.stock.available)) })).addToCart;
        if (added.__typename === 'Cart') inCart += 1;
        else stats.cartShortages += 1;
      }
      if (inCart === 0) continue;

      const started = performance.now();
      const result = (await me('PlaceOrderFromCart', { idempotencyKey: `sim-${randomUUID()}` })).placeOrder;
      stats.placeOrderLatencyMs.push(performance.now() - started);
      if (result.__typename === 'RoundNotOpen') stats.orders.roundNotOpen += 1;
      else stats.orders.placed += 1;
      if (result.__typename === 'InsufficientStock') stats.orders.rejected += 1;
      if (result.__typename === 'Order') {
        if (result.status === 'CONFIRMED') {
          stats.orders.confirmed += 1;
          confirmed.push(result.id);
        } else if (result.status === 'PENDING') stats.orders.pending += 1;
        else if (result.status === 'REJECTED') stats.orders.rejected += 1;
      } else {
        await emptyCart(me);
      }

      if (confirmed.length > 0 && Math.random() < options.cancelRate) {
        const orderId = confirmed.splice(between(0, confirmed.length - 1), 1)[0]!;
        try {
          const cancelled = (await me('CancelOrder', { id: orderId })).cancelOrder;
          if (cancelled.status === 'CANCELLED') stats.orders.cancelled += 1;
        } catch (error) {
          // Too late: the order's round has closed (it is sold) or the order changed meanwhile.
          if (error instanceof GraphQLFailure && error.code !== 'INTERNAL_SERVER_ERROR') stats.orders.cancelRefused += 1;
          else throw error;
        }
      }
    } catch (error) {
      recordError(stats, error);
      await sleep(200, signal);
    }
  }
}

async function emptyCart(me: Call): Promise<void> {
  const cart = (await me('MyCart')).me?.cart;
  for (const line of cart?.lines ?? []) await me('RemoveFromCart', { productId: line.product.id });
}

export interface ProducingManufacturer {
  id: string;
  call: Call;
  productIds: string[];
}

/** One manufacturer: a production run of 1 to 10 units of one of its products every second or so. */
export async function runManufacturer(maker: ProducingManufacturer, stats: SimulationStats, signal: AbortSignal, producedPerProduct: Map<string, number>): Promise<void> {
  while (!signal.aborted && maker.productIds.length > 0) {
    await sleep(between(500, 1500), signal);
    if (signal.aborted) break;
    const productId = pick(maker.productIds);
    const quantity = between(1, 10);
    try {
      await maker.call('Produce', { productId, quantity });
      stats.production.runs += 1;
      stats.production.units += quantity;
      producedPerProduct.set(productId, (producedPerProduct.get(productId) ?? 0) + quantity);
    } catch (error) {
      recordError(stats, error);
    }
  }
}

/** The operator: closes the open round once `periodMs` has passed since it opened, opens the next once the last is settled. */
export async function runOperator(
  operator: Call,
  periodMs: number,
  stats: SimulationStats,
  signal: AbortSignal,
  onRound: (round: { number: number; status: string }) => void,
): Promise<void> {
  while (!signal.aborted) {
    try {
      const round = (await operator('CurrentRound')).currentRound as { number: number; status: string; openedAt: string } | null;
      if (round) onRound(round);
      if (!round || round.status === 'SETTLED') {
        const opened = (await operator('OpenRound')).openRound;
        stats.rounds.opened += 1;
        onRound(opened);
      } else if (round.status === 'OPEN' && Date.now() - Date.parse(round.openedAt) >= periodMs) {
        const closed = (await operator('CloseRound')).closeRound;
        stats.rounds.closed += 1;
        onRound(closed);
      }
    } catch (error) {
      // A round that closed by itself (depleted) or is still settling answers CONFLICT: look again.
      if (!(error instanceof GraphQLFailure && error.code === 'CONFLICT')) recordError(stats, error);
    }
    await sleep(200, signal);
  }
}
