/**
 * Who may read or run each field of the API: the table the authorization matrix is generated
 * from (test/e2e/authorization.test.ts). Every field of every object type of the composed API
 * needs an entry: a field without one fails the matrix, named by its coordinate (`Type.field`).
 *
 * - `public`: anyone, signed in or not. Root fields name the operation that shows it (run by
 *   all six actors, none may be refused).
 * - `restricted`: only `allowed` get everything; `ownRows` actors get their own rows only (the
 *   check's `rows` says whose rows a response holds); everyone else is refused, anonymous callers
 *   with UNAUTHENTICATED and the rest with FORBIDDEN. Each check is run by all six actors.
 * - `withParent`: adds nothing beyond the object it is on. Allowed only on types that are
 *   reached solely through restricted (or callersOwn, or withParent) fields: the matrix checks it.
 * - `callersOwn`: what a public mutation hands back to its own caller (the customer just registered).
 */
import { randomUUID } from 'node:crypto';
import { MATRIX_PASSWORD, type Actor, type World } from './authorization-world.js';
import { BUS_SERVICES } from './bus-world.js';

export interface Request {
  query: string;
  variables?: Record<string, unknown>;
}

interface CheckBase {
  request(world: World): Request;
  /** Whose rows (customer or manufacturer ids) a response's data holds; for own-rows rules. */
  rows?(data: any): string[];
}
export interface HttpCheck extends CheckBase {
  over: 'http';
}
export interface LiveCheck extends CheckBase {
  over: 'ws';
  /** For notice fields (no snapshot): makes events happen; called again while an allowed actor still waits for its events. */
  trigger?(world: World): Promise<void>;
  /** Events each allowed actor reads (default 1). */
  events?: number;
}
export type Check = HttpCheck | LiveCheck;

export interface PublicRule {
  access: 'public';
  why?: string;
  checks?: Check[];
}
export interface RestrictedRule {
  access: 'restricted';
  allowed: Actor[];
  ownRows?: Actor[];
  checks: Check[];
  /** Runs after the refusals, before the allowed actors (e.g. waits for the round to settle). */
  beforeAllowed?(world: World): Promise<void>;
  /** Changes state the other rules need (the open round): runs after every other rule. */
  runLast?: boolean;
}
export type Rule = PublicRule | RestrictedRule | { access: 'withParent' } | { access: 'callersOwn'; why: string };

const http = (request: CheckBase['request'], rows?: CheckBase['rows']): HttpCheck => ({ over: 'http', request, rows });
const live = (request: CheckBase['request'], more: Omit<LiveCheck, 'over' | 'request'> = {}): LiveCheck => ({ over: 'ws', request, ...more });
const query = (text: string, variables?: Record<string, unknown>): Request => ({ query: text, variables });

const PUBLIC: Rule = { access: 'public' };
const WITH_PARENT: Rule = { access: 'withParent' };
const publicRoot = (...checks: Check[]): PublicRule => ({ access: 'public', checks });
const only = (allowed: Actor[], ...checks: Check[]): RestrictedRule => ({ access: 'restricted', allowed, checks });
/** The same rule for several fields of one type. */
const each = (type: string, fields: string[], rule: Rule): Record<string, Rule> => Object.fromEntries(fields.map((f) => [`${type}.${f}`, rule]));

const CUSTOMERS: Actor[] = ['customerA', 'customerB'];
const MANUFACTURERS: Actor[] = ['manufacturerX', 'manufacturerY'];
const AVAILABILITY = 'Catalog and availability are public (ARCHITECTURE.md, Identity and access)';

export const RULES: Record<string, Rule> = {
  // ---- manufacturer subgraph
  'Query.manufacturers': publicRoot(http(() => query('{ manufacturers(first: 5) { edges { node { id name } cursor } pageInfo { hasNextPage } } }'))),
  'Query.manufacturer': publicRoot(http((w) => query('query($id: ID!) { manufacturer(id: $id) { name products(first: 5) { edges { node { id } } } } }', { id: w.X }))),
  'Query.products': publicRoot(http((w) => query('query($c: String) { products(filter: { category: $c }, first: 5) { edges { node { id sku } } } }', { c: w.category }))),
  'Query.product': publicRoot(http((w) => query('query($id: ID!) { product(id: $id) { name supply unitPrice manufacturer { name } } }', { id: w.productX }))),
  'Query.categories': publicRoot(http(() => query('{ categories }'))),
  'Mutation.registerManufacturer': only(
    ['operator'],
    http(() => query('mutation($n: String!) { registerManufacturer(input: { name: $n }) { id } }', { n: `Matrix ${randomUUID()}` })),
  ),
  'Mutation.createProduct': only(
    ['manufacturerX', 'operator'],
    http((w) =>
      query('mutation($i: CreateProductInput!) { createProduct(input: $i) { id } }', {
        i: { manufacturerId: w.X, sku: `MX-${randomUUID().slice(0, 8)}`, name: 'Matrix extra', category: `${w.category}-extra`, unitPrice: '1.00' },
      }),
    ),
  ),
  'Mutation.updateProduct': only(
    ['manufacturerX', 'operator'],
    http((w) => query('mutation($id: ID!) { updateProduct(id: $id, input: { name: "Matrix goods" }) { id } }', { id: w.productX })),
  ),
  'Mutation.discontinueProduct': only(
    ['manufacturerX', 'operator'],
    http((w) => query('mutation($id: ID!) { discontinueProduct(id: $id) { discontinued } }', { id: w.discontinuableX })),
  ),
  'Mutation.produce': only(
    ['manufacturerX', 'operator'],
    http((w) => query('mutation($id: ID!) { produce(productId: $id, quantity: 1) { supply } }', { id: w.productX })),
  ),
  'Subscription.manufacturerNotices': {
    access: 'restricted',
    allowed: ['operator'],
    ownRows: MANUFACTURERS,
    // Y's sale comes first each time: a manufacturer that was sent another's notices would read it first.
    checks: [
      live(() => query('subscription { manufacturerNotices { kind manufacturer { id } } }'), {
        trigger: (w) => w.sellOneOfEach(),
        events: 2,
        rows: (d) => [d.manufacturerNotices.manufacturer.id],
      }),
    ],
  },
  ...each('Manufacturer', ['id', 'name', 'products'], PUBLIC),
  'Manufacturer.settlements': only(
    ['manufacturerX', 'operator'],
    http((w) => query('query($id: ID!) { manufacturer(id: $id) { settlements(first: 5) { edges { node { roundNumber unitsSold revenue } } } } }', { id: w.X })),
  ),
  ...each('Product', ['id', 'sku', 'name', 'category', 'unitPrice', 'manufacturer', 'discontinued', 'createdAt'], PUBLIC),
  // What a manufacturer can still sell is part of the public catalog (ARCHITECTURE.md's contract lists it on Product).
  'Product.supply': { access: 'public', why: AVAILABILITY },
  ...each('Settlement', ['id', 'roundNumber', 'manufacturer', 'lines', 'unitsSold', 'revenue', 'appliedAt'], WITH_PARENT),
  ...each('SettlementLine', ['product', 'unitsSold', 'revenue'], WITH_PARENT),
  ...each('SettlementConnection', ['edges', 'pageInfo'], WITH_PARENT),
  ...each('SettlementEdge', ['node', 'cursor'], WITH_PARENT),
  ...each('ManufacturerNotice', ['kind', 'manufacturer', 'product', 'quantity', 'roundNumber', 'settlement', 'at'], WITH_PARENT),
  ...each('ManufacturerConnection', ['edges', 'pageInfo'], PUBLIC),
  ...each('ManufacturerEdge', ['node', 'cursor'], PUBLIC),
  ...each('ProductConnection', ['edges', 'pageInfo'], PUBLIC),
  ...each('ProductEdge', ['node', 'cursor'], PUBLIC),
  ...each('PageInfo', ['hasNextPage', 'endCursor'], PUBLIC),

  // ---- inventory subgraph
  'Query.offers': publicRoot(http((w) => query('query($c: String!) { offers(category: $c) { id stock { available status } } }', { c: w.category }))),
  'Query.currentRound': publicRoot(http(() => query('{ currentRound { number status openedAt endsAt closedAt closeReason } }'))),
  'Query.rounds': publicRoot(http(() => query('{ rounds(first: 5) { edges { node { number status } cursor } pageInfo { hasNextPage endCursor } } }'))),
  'Query.stockMovements': only(
    ['operator'],
    http((w) => query('query($id: ID!) { stockMovements(productId: $id, first: 5) { edges { node { kind quantity orderId } } } }', { id: w.productX })),
  ),
  'Mutation.setLowStockThreshold': only(
    ['manufacturerX', 'operator'],
    http((w) => query('mutation($id: ID!) { setLowStockThreshold(productId: $id, threshold: 5) { lowStockThreshold } }', { id: w.productX })),
  ),
  'Mutation.closeRound': {
    ...only(
      ['operator'],
      http(() => query('mutation { closeRound { number status } }')),
    ),
    runLast: true,
  },
  'Mutation.openRound': {
    ...only(
      ['operator'],
      http(() => query('mutation { openRound { number status } }')),
    ),
    runLast: true,
    beforeAllowed: (w) => w.untilRoundSettled(),
  },
  'Subscription.availabilityChanged': publicRoot(
    live((w) => query('subscription($ids: [ID!]) { availabilityChanged(productIds: $ids) { product { id } available } }', { ids: [w.productX] })),
  ),
  'Subscription.lowStock': publicRoot(live(() => query('subscription { lowStock { product { id } status } }'))),
  'Subscription.stockDepleted': publicRoot(live(() => query('subscription { stockDepleted { product { id } roundNumber } }'), { trigger: (w) => w.depleteOne() })),
  'Subscription.roundChanged': publicRoot(live(() => query('subscription { roundChanged { number status } }'))),
  'Product.stock': { access: 'public', why: AVAILABILITY },
  // Whoever watches a product's availability can follow its demand (available falls as units are promised): inherent to public availability.
  ...each('StockItem', ['product', 'onHand', 'reserved', 'available', 'lowStockThreshold', 'status', 'roundNumber'], { access: 'public', why: AVAILABILITY }),
  ...each('DistributionRound', ['number', 'status', 'openedAt', 'endsAt', 'closedAt', 'closeReason', 'nextOpeningAt'], PUBLIC),
  'DistributionRound.sales': {
    access: 'restricted',
    allowed: ['operator'],
    ownRows: MANUFACTURERS,
    checks: [
      http(
        () => query('{ rounds(first: 10) { edges { node { number sales { manufacturerId unitsSold revenue } } } } }'),
        (d) => d.rounds.edges.flatMap((e: any) => e.node.sales.map((s: any) => s.manufacturerId)),
      ),
      // The open round has sold nothing yet: this shows who may subscribe; test/e2e/authorization.test.ts follows a close.
      live(() => query('subscription { roundChanged { number sales { manufacturerId unitsSold } } }')),
    ],
  },
  ...each('RoundSale', ['product', 'manufacturerId', 'manufacturer', 'unitsSold', 'revenue'], WITH_PARENT),
  ...each('DistributionRoundConnection', ['edges', 'pageInfo'], PUBLIC),
  ...each('DistributionRoundEdge', ['node', 'cursor'], PUBLIC),
  ...each('StockMovement', ['id', 'product', 'roundNumber', 'kind', 'quantity', 'orderId', 'createdAt'], WITH_PARENT),
  ...each('StockMovementConnection', ['edges', 'pageInfo'], WITH_PARENT),
  ...each('StockMovementEdge', ['node', 'cursor'], WITH_PARENT),
  // A depletion is availability: the product has no unit left.
  ...each('DepletionNotice', ['product', 'manufacturerId', 'manufacturer', 'roundNumber', 'at'], { access: 'public', why: AVAILABILITY }),

  // ---- order subgraph
  'Query.me': {
    access: 'restricted',
    allowed: [],
    ownRows: CUSTOMERS,
    checks: [
      http(
        () => query('{ me { id orders(first: 50) { edges { node { customer { id } } } } } }'),
        (d) => [d.me.id, ...d.me.orders.edges.map((e: any) => e.node.customer.id)],
      ),
    ],
  },
  'Query.order': only(
    ['customerA', 'operator'],
    http((w) => query('query($id: ID!) { order(id: $id) { id status total } }', { id: w.orderA })),
  ),
  'Query.orders': {
    access: 'restricted',
    allowed: ['operator'],
    ownRows: CUSTOMERS,
    checks: [
      http(
        () => query('{ orders(first: 100) { edges { node { customer { id } } } } }'),
        (d) => d.orders.edges.map((e: any) => e.node.customer.id),
      ),
    ],
  },
  'Mutation.registerCustomer': publicRoot(
    http(() =>
      query('mutation($i: RegisterCustomerInput!) { registerCustomer(input: $i) { customer { id } } }', {
        i: { name: 'Matrix customer', email: `matrix-${randomUUID().slice(0, 12)}@example.com`, password: 'matrix password' },
      }),
    ),
  ),
  'Mutation.addToCart': only(
    CUSTOMERS,
    http((w) => query('mutation($p: ID!) { addToCart(productId: $p, quantity: 1) { __typename } }', { p: w.productX })),
  ),
  'Mutation.setCartLineQuantity': only(
    CUSTOMERS,
    http((w) => query('mutation($p: ID!) { setCartLineQuantity(productId: $p, quantity: 2) { __typename } }', { p: w.productX })),
  ),
  'Mutation.removeFromCart': only(
    CUSTOMERS,
    http((w) => query('mutation($p: ID!) { removeFromCart(productId: $p) { total } }', { p: w.productX })),
  ),
  'Mutation.pruneCart': only(
    CUSTOMERS,
    http(() => query('mutation { pruneCart { removed { reason } cart { total } } }')),
  ),
  'Mutation.placeOrder': only(
    CUSTOMERS,
    http((w) =>
      query('mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { __typename } }', {
        i: { lines: [{ productId: w.productX, quantity: 1 }], idempotencyKey: `matrix-${randomUUID()}` },
      }),
    ),
  ),
  'Mutation.cancelOrder': only(
    ['customerA'],
    http((w) => query('mutation($id: ID!) { cancelOrder(id: $id) { id status } }', { id: w.orderToCancel })),
  ),
  'Mutation.changeOrderLine': only(
    ['customerA'],
    http((w) => query('mutation($o: ID!, $p: ID!) { changeOrderLine(orderId: $o, productId: $p, quantity: 2) { __typename } }', { o: w.orderToChange, p: w.productX })),
  ),
  'Subscription.orderStatusChanged': only(
    ['customerA', 'operator'],
    live((w) => query('subscription($id: ID!) { orderStatusChanged(orderId: $id) { id status } }', { id: w.orderA })),
  ),
  ...each('Customer', ['cart', 'orders', 'purchases', 'orderCount'], WITH_PARENT),
  ...each('Cart', ['lines', 'total', 'canCheckout', 'removedLines'], WITH_PARENT),
  ...each('PrunedCart', ['cart', 'removed'], WITH_PARENT),
  ...each('RemovedCartLine', ['product', 'quantity', 'kept', 'reason', 'removedAt'], WITH_PARENT),
  ...each('CartLine', ['product', 'quantity', 'unitPrice', 'available', 'problem'], WITH_PARENT),
  ...each('InsufficientStock', ['lines'], WITH_PARENT),
  ...each('StockShortage', ['product', 'requested', 'available'], WITH_PARENT),
  ...each('RoundNotOpen', ['message'], WITH_PARENT),
  ...each('Order', ['id', 'customer', 'status', 'lines', 'total', 'roundNumber', 'placedAt', 'updatedAt', 'rejection', 'rejectionReason', 'cancellationRequested'], WITH_PARENT),
  ...each('OrderLine', ['product', 'quantity', 'unitPrice', 'lineTotal'], WITH_PARENT),
  ...each('Purchase', ['product', 'quantity', 'unitPrice', 'orderId', 'roundNumber'], WITH_PARENT),
  ...each('OrderConnection', ['edges', 'pageInfo'], WITH_PARENT),
  ...each('OrderEdge', ['node', 'cursor'], WITH_PARENT),

  // ---- every subgraph: its part of the event bus console, the operator's alone
  ...Object.fromEntries(
    BUS_SERVICES.flatMap((service) => {
      const word = service[0]!.toUpperCase() + service.slice(1);
      return [
        [
          `Query.${service}Bus`,
          only(
            ['operator'],
            http(() => query(`{ ${service}Bus { service consumers { consumer backlog parked } parkedEvents(first: 5) { edges { node { id error } } } repairs { action by } } }`)),
          ),
        ],
        [
          `Mutation.retryParked${word}Event`,
          only(
            ['operator'],
            http((w) => query(`mutation($id: ID!) { retryParked${word}Event(id: $id) { id outcome error } }`, { id: w.parked[service].retry })),
          ),
        ],
        [
          `Mutation.discardParked${word}Event`,
          only(
            ['operator'],
            http((w) => query(`mutation($id: ID!) { discardParked${word}Event(id: $id, reason: "matrix") { id outcome } }`, { id: w.parked[service].discard })),
          ),
        ],
        [
          `Subscription.${service}BusNotices`,
          only(
            ['operator'],
            live(() => query(`subscription { ${service}BusNotices { consumer parkedEvents parkedEventId } }`), { trigger: (w) => w.parkOne(service).then(() => {}) }),
          ),
        ],
      ] as Array<[string, Rule]>;
    }),
  ),
  ...each('BusHealth', ['service', 'consumers', 'parkedEvents', 'repairs'], WITH_PARENT),
  ...each('ConsumerHealth', ['consumer', 'eventTypes', 'backlog', 'oldestUnappliedAt', 'oldestUnappliedAgeSeconds', 'parked'], WITH_PARENT),
  ...each(
    'ParkedEvent',
    ['id', 'service', 'consumer', 'eventId', 'position', 'eventType', 'version', 'source', 'error', 'attempts', 'parkedAt', 'occurredAt', 'payload'],
    WITH_PARENT,
  ),
  ...each('ParkedEventConnection', ['edges', 'pageInfo'], WITH_PARENT),
  ...each('ParkedEventEdge', ['node', 'cursor'], WITH_PARENT),
  ...each('BusRepair', ['id', 'parkedEventId', 'consumer', 'eventId', 'eventType', 'action', 'by', 'reason', 'error', 'at'], WITH_PARENT),
  ...each('ParkedEventRepair', ['id', 'outcome', 'error'], WITH_PARENT),
  ...each('BusNotice', ['service', 'consumer', 'parkedEvents', 'parkedEventId', 'eventType', 'error', 'at'], WITH_PARENT),
  // ---- account subgraph
  'Query.customers': only(
    ['operator'],
    http(() => query('{ customers(first: 5) { edges { node { id name email registeredAt orderCount } cursor } pageInfo { hasNextPage endCursor } } }')),
  ),
  'Mutation.signIn': publicRoot(
    http((w) => query('mutation($i: SignInInput!) { signIn(input: $i) { role subject expiresAt } }', { i: { email: w.C.email, password: w.C.password } })),
  ),
  'Mutation.refreshSession': publicRoot(
    http((w) => query('mutation($i: RefreshSessionInput!) { refreshSession(input: $i) { role } }', { i: { refreshToken: w.spareRefreshToken() } })),
  ),
  'Mutation.signOut': publicRoot(http((w) => query('mutation($i: SignOutInput!) { signOut(input: $i) }', { i: { refreshToken: w.spareRefreshToken() } }))),
  // Only an account with a password here: the matrix's manufacturers and operator hold minted tokens, hence FORBIDDEN.
  'Mutation.changePassword': only(
    CUSTOMERS,
    http(() =>
      query('mutation($i: ChangePasswordInput!) { changePassword(input: $i) { role } }', {
        i: { currentPassword: MATRIX_PASSWORD, newPassword: 'matrix changed password' },
      }),
    ),
  ),
  'Mutation.createManufacturerLogin': only(
    ['operator'],
    http(() =>
      query('mutation($i: CreateManufacturerLoginInput!) { createManufacturerLogin(input: $i) { email manufacturer { id } } }', {
        i: { manufacturerId: randomUUID(), email: `matrix-maker-${randomUUID().slice(0, 8)}@example.com`, password: 'matrix maker password' },
      }),
    ),
  ),
  ...each('RegisteredCustomer', ['customer', 'token', 'accessToken', 'expiresAt', 'refreshToken', 'refreshExpiresAt'], {
    access: 'callersOwn',
    why: 'the account just registered, handed to whoever registered it',
  }),
  ...each('Session', ['accessToken', 'expiresAt', 'refreshToken', 'refreshExpiresAt', 'role', 'subject'], {
    access: 'callersOwn',
    why: 'the session, handed to whoever proved the password or held the refresh token',
  }),
  ...each('Customer', ['id', 'name', 'email', 'registeredAt'], WITH_PARENT),
  ...each('ManufacturerLogin', ['email', 'manufacturer'], WITH_PARENT),
  ...each('CustomerConnection', ['edges', 'pageInfo'], WITH_PARENT),
  ...each('CustomerEdge', ['node', 'cursor'], WITH_PARENT),
};
