/**
 * The six actors of the authorization matrix and the state they act on, built through the
 * gateway: two manufacturers (X, Y), two customers (A, B), a settled round whose sales belong to
 * both manufacturers, and an open round with an order of each customer.
 */
import { randomUUID } from 'node:crypto';
import type { GraphQLRequest } from '@distribution/testkit';
import { eventually, manufacturerIdentity, operator, type TestNetwork } from './network.js';
import { gatewayLiveClient, type LiveClient } from './live-client.js';
import { createProduct, openRound, placeOrder, registerCustomer, registerManufacturer, type Customer } from './scenario.js';
import { BUS_SERVICES, parkOnPurpose, type BusService } from './bus-world.js';

/** The password of customers A and B. */
export const MATRIX_PASSWORD = 'matrix customer password';
/** Sessions of C made up front: the refreshSession and signOut rules take one per actor. */
const SPARE_SESSIONS = 14;

export type Actor = 'anonymous' | 'customerA' | 'customerB' | 'manufacturerX' | 'manufacturerY' | 'operator';
export const ACTORS: readonly Actor[] = ['anonymous', 'customerA', 'customerB', 'manufacturerX', 'manufacturerY', 'operator'];

/** The code a refused actor gets: anonymous callers must sign in, the others are not allowed. */
export const refusalCodeFor = (actor: Actor) => (actor === 'anonymous' ? 'UNAUTHENTICATED' : 'FORBIDDEN');

export interface World {
  net: TestNetwork;
  /** The catalog category of the matrix's goods. */
  category: string;
  X: string;
  Y: string;
  /** Plenty of stock, X's and Y's: orders never run them out (nor close the round). */
  productX: string;
  productY: string;
  /** X's product, LOW in the open round (so that lowStock has a snapshot). */
  lowX: string;
  /** X's product that discontinueProduct may take off the catalog. */
  discontinuableX: string;
  /** A and B have the same password, MATRIX_PASSWORD, so that one changePassword request fits both. */
  A: Customer;
  B: Customer;
  /** A customer whose sessions the account mutations use (signIn, refreshSession, signOut), apart from A's and B's. */
  C: Customer;
  /** A refresh token of C not used yet: each call hands out another. */
  spareRefreshToken(): string;
  /** CONFIRMED orders of the open round. */
  orderA: string;
  orderB: string;
  /** A's orders that the matrix cancels and changes. */
  orderToCancel: string;
  orderToChange: string;
  /** The bearer token of each actor (none for anonymous). */
  tokens: Record<Actor, string | undefined>;
  /** Whose rows are the actor's own: the customer's or the manufacturer's id (lower case). */
  ownerOf(actor: Actor): string | undefined;
  /** GraphQL over HTTP through the gateway, as `actor`. */
  http(actor: Actor): GraphQLRequest;
  /** A graphql-ws connection to the gateway, signed in as `actor`. */
  live(actor: Actor): LiveClient;
  /** Sells out a new product of X (one unit, bought by B): every stockDepleted subscriber hears of it. */
  depleteOne(): Promise<void>;
  /** B buys one unit of Y's product, then one of X's: a notice for Y, then one for X. */
  sellOneOfEach(): Promise<void>;
  /** Resolves once the latest round is SETTLED. */
  untilRoundSettled(): Promise<void>;
  /** Per service, parked events for the bus console's retry and discard. */
  parked: Record<BusService, { retry: string; discard: string }>;
  /** Parks one more event at a consumer of the service. */
  parkOne(service: BusService): Promise<string>;
}

async function orderOf(net: TestNetwork, customer: Customer, productId: string, quantity = 1): Promise<string> {
  const placed = await placeOrder(net, customer, [{ productId, quantity }]);
  if (placed.errors || placed.data.placeOrder.status !== 'CONFIRMED') throw new Error(`order not confirmed: ${JSON.stringify(placed)}`);
  return placed.data.placeOrder.id;
}

/** Builds the world on a started network. */
export async function buildWorld(net: TestNetwork): Promise<World> {
  const category = `matrix-${randomUUID().slice(0, 6)}`;
  const [X, Y] = await Promise.all([registerManufacturer(net), registerManufacturer(net)]);
  const [productX, productY, lowX, discontinuableX] = await Promise.all([
    createProduct(net, X, { supply: 100_000, category }),
    createProduct(net, Y, { supply: 100_000, category }),
    createProduct(net, X, { supply: 3, category: `${category}-low` }),
    createProduct(net, X, { supply: 10, category: `${category}-old` }),
  ]);
  const [A, B, C] = await Promise.all([registerCustomer(net, 'matrix-a', MATRIX_PASSWORD), registerCustomer(net, 'matrix-b', MATRIX_PASSWORD), registerCustomer(net, 'matrix-c')]);
  const spare: string[] = [];
  for (let i = 0; i < SPARE_SESSIONS; i += 1) {
    const session = await net.as()('mutation($i: SignInInput!) { signIn(input: $i) { refreshToken } }', { i: { email: C.email, password: C.password } });
    if (session.errors) throw new Error(JSON.stringify(session.errors));
    spare.push(session.data.signIn.refreshToken);
  }

  // Round 1 sells goods of both manufacturers, and settles.
  await openRound(net);
  await orderOf(net, A, productX);
  await orderOf(net, B, productY);
  const closed = await net.as(operator)('mutation { closeRound { status } }');
  if (closed.errors) throw new Error(JSON.stringify(closed.errors));
  const untilRoundSettled = async () => {
    await eventually(async () => (await net.as(operator)('{ currentRound { status } }')).data?.currentRound?.status === 'SETTLED', { timeoutMs: 20_000 });
  };
  await untilRoundSettled();
  await openRound(net);

  const [orderA, orderB, orderToCancel, orderToChange] = [
    await orderOf(net, A, productX),
    await orderOf(net, B, productY),
    await orderOf(net, A, productX),
    await orderOf(net, A, productX),
  ];
  const identities = { manufacturerX: manufacturerIdentity(X), manufacturerY: manufacturerIdentity(Y), operator };
  const tokens: Record<Actor, string | undefined> = {
    anonymous: undefined,
    customerA: A.token,
    customerB: B.token,
    manufacturerX: await net.tokenFor(identities.manufacturerX),
    manufacturerY: await net.tokenFor(identities.manufacturerY),
    operator: await net.tokenFor(identities.operator),
  };
  const owners: Partial<Record<Actor, string>> = { customerA: A.id, customerB: B.id, manufacturerX: X, manufacturerY: Y };
  const parked = Object.fromEntries(
    await Promise.all(BUS_SERVICES.map(async (service) => [service, { retry: await parkOnPurpose(net, service), discard: await parkOnPurpose(net, service) }] as const)),
  ) as World['parked'];

  return {
    net,
    category,
    X,
    Y,
    productX,
    productY,
    lowX,
    discontinuableX,
    A,
    B,
    C,
    orderA,
    orderB,
    orderToCancel,
    orderToChange,
    tokens,
    spareRefreshToken: () => {
      const token = spare.pop();
      if (!token) throw new Error(`the world has only ${SPARE_SESSIONS} spare sessions`);
      return token;
    },
    ownerOf: (actor) => owners[actor]?.toLowerCase(),
    http: (actor) => net.as(tokens[actor] ?? null),
    live: (actor) => gatewayLiveClient(net.gatewayUrl, tokens[actor]),
    depleteOne: async () => {
      const scarce = await createProduct(net, X, { supply: 1, category: `${category}-scarce` });
      await orderOf(net, B, scarce);
    },
    sellOneOfEach: async () => {
      await orderOf(net, B, productY);
      await orderOf(net, B, productX);
    },
    untilRoundSettled,
    parked,
    parkOne: (service) => parkOnPurpose(net, service),
  };
}
