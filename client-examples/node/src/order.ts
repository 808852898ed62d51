/** `npm run example -- order`: a new customer picks an offer, fills the cart, orders from it and reads the outcome. */
import { randomUUID } from 'node:crypto';
import { createApi, SubscriptionRefused, type Api } from './api.js';
import { SessionKeeper } from './session.js';
import type { Offer } from './browse.js';
import { sleep, type ExampleOptions } from './options.js';
import { formatTable } from './table.js';

export interface OrderExampleResult {
  customerId: string;
  /** Order, InsufficientStock or RoundNotOpen; null when nothing was on offer. */
  outcome: string | null;
  order: { id: string; status: string; total: string } | null;
}

/** Registers a customer, orders up to `quantity` units of the best-stocked offer (of `category` if given), prints each step. */
export async function order(options: ExampleOptions & { category?: string; quantity?: number }): Promise<OrderExampleResult> {
  const print = options.print ?? console.log;
  const anonymous = createApi({ url: options.url });
  let customer: Api | null = null;
  let session: SessionKeeper | null = null;
  try {
    const label = randomUUID().slice(0, 8);
    const { registerCustomer } = await anonymous.mutate('RegisterCustomer', {
      input: { name: `Example customer ${label}`, email: `example-${label}@example.com`, password: `example password ${label}` },
    });
    const customerId: string = registerCustomer.customer.id;
    print(`Registered ${registerCustomer.customer.name} (${customerId}); the session is kept (and refreshed) for the next requests.`);
    session = new SessionKeeper(options.url, registerCustomer);
    customer = anonymous.withSession(session);

    const offer = await pickOffer(anonymous, options.category);
    if (!offer) {
      print('Nothing is available right now: is a round open? (`npm run seed` loads sample data and opens one.)');
      return { customerId, outcome: null, order: null };
    }
    const quantity = Math.min(options.quantity ?? 2, offer.stock.available);
    print(`Picked ${offer.name} from ${offer.manufacturer.name}: ${offer.stock.available} available at ${offer.unitPrice}.`);

    const added = (await customer.mutate('AddToCart', { productId: offer.id, quantity })).addToCart;
    if (added.__typename === 'InsufficientStock') {
      print('Someone was faster; the cart stays as it was:');
      print(formatTable(added.lines.map((l) => ({ product: l.product.name, requested: l.requested, available: l.available }))));
      return { customerId, outcome: 'InsufficientStock', order: null };
    }
    print('\nCart');
    print(
      formatTable(
        added.lines.map((l) => ({
          product: l.product.name,
          manufacturer: l.product.manufacturer.name,
          quantity: l.quantity,
          price: l.unitPrice,
          available: l.available,
          problem: l.problem,
        })),
      ),
    );
    print(`total ${added.total}, ${added.canCheckout ? 'ready to check out' : 'cannot check out as it stands'}`);

    // The key makes a retry of this very checkout (after a timeout, say) return the same order.
    const idempotencyKey = `example-${randomUUID()}`;
    const result = (await customer.mutate('PlaceOrderFromCart', { idempotencyKey })).placeOrder;
    print('');
    if (result.__typename === 'InsufficientStock') {
      print('Not enough stock any more; nothing was ordered:');
      print(formatTable(result.lines.map((l) => ({ product: l.product.name, requested: l.requested, available: l.available }))));
      return { customerId, outcome: result.__typename, order: null };
    }
    if (result.__typename === 'RoundNotOpen') {
      print(`No round is open: ${result.message}`);
      return { customerId, outcome: result.__typename, order: null };
    }
    let status: string = result.status;
    print(`Order ${result.id}: ${status}, total ${result.total}`);
    print(formatTable(result.lines.map((l) => ({ product: l.product.name, quantity: l.quantity, price: l.unitPrice, 'line total': l.lineTotal }))));
    if (status === 'PENDING') status = await awaitOutcome(customer, result.id, print);
    if (status === 'REJECTED') print('Inventory rejected it: the stock went to someone else first.');

    const mine = (await customer.query('MyOrders', { first: 5 })).me?.orders.edges.map((e) => e.node) ?? [];
    print('\nMy orders');
    print(formatTable(mine.map((o) => ({ order: o.id, status: o.status, total: o.total, round: o.roundNumber, placed: o.placedAt }))));
    return { customerId, outcome: 'Order', order: { id: result.id, status, total: result.total } };
  } finally {
    // Signing out ends the session on the server too.
    await session?.signOut().catch(() => undefined);
    await customer?.close();
    await anonymous.close();
  }
}

async function pickOffer(api: Api, category?: string): Promise<Offer | null> {
  const categories: string[] = category ? [category] : (await api.query('Categories')).categories;
  for (const c of categories) {
    // Offers come most available first.
    const offers: Offer[] = (await api.query('Offers', { category: c })).offers;
    const first = offers.find((o) => o.stock.available > 0);
    if (first) return first;
  }
  return null;
}

/** Follows a PENDING order to its outcome: live over graphql-ws, or by asking again when the gateway has no subscriptions. */
async function awaitOutcome(api: Api, orderId: string, print: (text: string) => void): Promise<string> {
  print('Still PENDING (inventory is busy); following it...');
  const stop = new AbortController();
  const timeout = setTimeout(() => stop.abort(), 30_000);
  let status = 'PENDING';
  try {
    await api.subscribe(
      'OnOrderStatusChanged',
      { orderId },
      (event) => {
        if (!('data' in event)) return;
        status = event.data.orderStatusChanged.status;
        print(`  now ${status}`);
        if (status !== 'PENDING') stop.abort();
      },
      stop.signal,
    );
  } catch (error) {
    if (!(error instanceof SubscriptionRefused)) throw error;
    while (status === 'PENDING' && !stop.signal.aborted) {
      await sleep(500, stop.signal);
      status = (await api.query('Order', { id: orderId })).order?.status ?? status;
    }
    print(`  now ${status}`);
  } finally {
    clearTimeout(timeout);
  }
  return status;
}
