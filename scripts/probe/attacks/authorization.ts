/**
 * Attacks on who may see what: round sales (over HTTP and roundChanged), other customers' orders,
 * other manufacturers' settlements and notices, the stock ledger, the round itself. Reads pick
 * their victims with the operator's token where they need one; none creates anything.
 */
import { randomUUID } from 'node:crypto';
import type { Attack, AttackResult, ProbeTarget } from '../attack.js';
import { codesOf, describeHttp, describeLive, firstLiveAnswer, postGraphQL, subjectOf, type HttpAnswer, type LiveAnswer } from '../authorization-clients.js';

const ROUND_SALES = '{ rounds(first: 20) { edges { node { number sales { manufacturerId unitsSold revenue } } } } }';
const LIVE_ROUND_SALES = 'subscription { roundChanged { number status sales { manufacturerId unitsSold revenue } } }';
const ORDER = 'query($id: ID!) { order(id: $id) { id status total customer { email } } }';

const skipped = (why: string): AttackResult => ({ passed: false, skipped: true, observed: why });

/** Refused with `code` alone, and no private data in the answer. */
function refusedHttp(answer: HttpAnswer, code: string, leaked: boolean): AttackResult {
  const codes = codesOf(answer.errors);
  const passed = codes.length > 0 && codes.every((c) => c === code) && !leaked;
  return { passed, observed: `${describeHttp(answer)}${leaked ? ', private data in the answer' : ''}` };
}

/** The subscription refused with `code` alone before any event. */
function refusedLive(answer: LiveAnswer, code: string): AttackResult {
  const codes = answer.kind === 'error' ? codesOf(answer.errors) : [];
  return { passed: codes.length > 0 && codes.every((c) => c === code), observed: describeLive(answer) };
}

const hasSales = (answer: HttpAnswer) => Boolean(answer.data?.rounds?.edges?.some((e: any) => Array.isArray(e?.node?.sales)));
const noRoundYet = (answer: HttpAnswer) => !answer.errors?.length && Array.isArray(answer.data?.rounds?.edges) && answer.data.rounds.edges.length === 0;

async function roundSalesAs(target: ProbeTarget, token: string | undefined, code: string): Promise<AttackResult> {
  const answer = await postGraphQL(target, token, ROUND_SALES);
  if (noRoundYet(answer)) return skipped('no round yet, so no sales to ask for');
  return refusedHttp(answer, code, hasSales(answer));
}

/** An order of a customer other than the one `tokens.customer` signs in (found with the operator's token). */
async function anotherCustomersOrder(target: ProbeTarget, status?: string): Promise<{ id: string; status: string } | string> {
  const { customer, operator } = target.tokens;
  if (!customer || !operator) return "needs a customer token and the operator token (to find another customer's order)";
  const me = subjectOf(customer);
  const answer = await postGraphQL(target, operator, 'query { orders(first: 100) { edges { node { id status customer { id } } } } }');
  const orders: Array<{ id: string; status: string; customer: { id: string } }> = answer.data?.orders?.edges?.map((e: any) => e.node) ?? [];
  const victim = orders.find((o) => o.customer.id.toLowerCase() !== me && (!status || o.status === status));
  return victim ?? `no ${status ?? ''} order of another customer among the latest ${orders.length} (${describeHttp(answer)})`.replace('  ', ' ');
}

/** A manufacturer other than the one `tokens.manufacturer` signs in (from the public list). */
async function anotherManufacturer(target: ProbeTarget): Promise<string | { skip: string }> {
  const me = subjectOf(target.tokens.manufacturer);
  if (!me) return { skip: 'needs a manufacturer token' };
  const answer = await postGraphQL(target, undefined, '{ manufacturers(first: 100) { edges { node { id } } } }');
  const other = (answer.data?.manufacturers?.edges ?? []).map((e: any) => String(e.node.id)).find((id: string) => id.toLowerCase() !== me);
  return other ?? { skip: `no other manufacturer listed (${describeHttp(answer)})` };
}

export const attacks: Attack[] = [
  {
    name: 'anonymous reads round sales over HTTP',
    expected: 'UNAUTHENTICATED, no sales line',
    run: (target) => roundSalesAs(target, undefined, 'UNAUTHENTICATED'),
  },
  {
    name: 'a customer reads round sales over HTTP',
    expected: 'FORBIDDEN, no sales line',
    run: (target) => (target.tokens.customer ? roundSalesAs(target, target.tokens.customer, 'FORBIDDEN') : Promise.resolve(skipped('needs a customer token'))),
  },
  {
    name: 'anonymous subscribes to roundChanged with its sales',
    expected: 'subscription refused: UNAUTHENTICATED',
    run: async (target) => refusedLive(await firstLiveAnswer(target, undefined, LIVE_ROUND_SALES), 'UNAUTHENTICATED'),
  },
  {
    name: 'a customer subscribes to roundChanged with its sales',
    expected: 'subscription refused: FORBIDDEN',
    run: async (target) =>
      target.tokens.customer ? refusedLive(await firstLiveAnswer(target, target.tokens.customer, LIVE_ROUND_SALES), 'FORBIDDEN') : skipped('needs a customer token'),
  },
  {
    name: "a manufacturer reads round sales: another manufacturer's lines",
    expected: 'its own lines only',
    run: async (target) => {
      const me = subjectOf(target.tokens.manufacturer);
      if (!me) return skipped('needs a manufacturer token');
      const answer = await postGraphQL(target, target.tokens.manufacturer, ROUND_SALES);
      if (answer.errors?.length || !answer.data?.rounds) return { passed: false, observed: `${describeHttp(answer)} (a manufacturer may read its own lines)` };
      const lines: Array<{ manufacturerId: string }> = answer.data.rounds.edges.flatMap((e: any) => e.node.sales ?? []);
      const others = lines.filter((line) => line.manufacturerId.toLowerCase() !== me).length;
      return { passed: others === 0, observed: `${lines.length - others} own lines, ${others} of other manufacturers` };
    },
  },
  {
    name: "a manufacturer's roundChanged: another manufacturer's sales lines",
    expected: 'an event with its own lines only',
    run: async (target) => {
      const me = subjectOf(target.tokens.manufacturer);
      if (!me) return skipped('needs a manufacturer token');
      const answer = await firstLiveAnswer(target, target.tokens.manufacturer, LIVE_ROUND_SALES);
      if (answer.kind === 'timeout') return skipped('no round yet, so no event to read');
      if (answer.kind !== 'next' || answer.errors?.length || !answer.data?.roundChanged) return { passed: false, observed: describeLive(answer) };
      const lines: Array<{ manufacturerId: string }> = answer.data.roundChanged.sales;
      const others = lines.filter((line) => line.manufacturerId.toLowerCase() !== me).length;
      return { passed: others === 0, observed: `round ${answer.data.roundChanged.number}: ${lines.length - others} own lines, ${others} of others` };
    },
  },
  {
    name: 'anonymous reads an order',
    expected: 'UNAUTHENTICATED',
    run: async (target) => {
      const answer = await postGraphQL(target, undefined, ORDER, { id: randomUUID() });
      return refusedHttp(answer, 'UNAUTHENTICATED', Boolean(answer.data?.order));
    },
  },
  {
    name: 'anonymous lists every order',
    expected: 'UNAUTHENTICATED',
    run: async (target) => {
      const answer = await postGraphQL(target, undefined, '{ orders(first: 5) { edges { node { id customer { email } } } } }');
      return refusedHttp(answer, 'UNAUTHENTICATED', Boolean(answer.data?.orders));
    },
  },
  {
    name: "a customer reads another customer's order",
    expected: 'FORBIDDEN, no order data',
    run: async (target) => {
      const victim = await anotherCustomersOrder(target);
      if (typeof victim === 'string') return skipped(victim);
      const answer = await postGraphQL(target, target.tokens.customer, ORDER, { id: victim.id });
      return refusedHttp(answer, 'FORBIDDEN', Boolean(answer.data?.order));
    },
  },
  {
    name: "a customer follows another customer's order (orderStatusChanged)",
    expected: 'subscription refused: FORBIDDEN',
    run: async (target) => {
      const victim = await anotherCustomersOrder(target);
      if (typeof victim === 'string') return skipped(victim);
      const answer = await firstLiveAnswer(target, target.tokens.customer, 'subscription($id: ID!) { orderStatusChanged(orderId: $id) { id status } }', { id: victim.id });
      return refusedLive(answer, 'FORBIDDEN');
    },
  },
  {
    name: "a customer cancels another customer's order",
    expected: 'FORBIDDEN, the order unchanged',
    run: async (target) => {
      const victim = await anotherCustomersOrder(target, 'CONFIRMED');
      if (typeof victim === 'string') return skipped(victim);
      const answer = await postGraphQL(target, target.tokens.customer, 'mutation($id: ID!) { cancelOrder(id: $id) { id status } }', { id: victim.id });
      const after = await postGraphQL(target, target.tokens.operator, 'query($id: ID!) { order(id: $id) { status cancellationRequested } }', { id: victim.id });
      const unchanged = after.data?.order?.status === victim.status && after.data?.order?.cancellationRequested === false;
      const result = refusedHttp(answer, 'FORBIDDEN', Boolean(answer.data?.cancelOrder));
      return { passed: result.passed && unchanged, observed: `${result.observed}; order now ${after.data?.order?.status ?? 'unread'}` };
    },
  },
  {
    name: "a manufacturer reads another manufacturer's settlements",
    expected: 'FORBIDDEN, no settlement',
    run: async (target) => {
      const other = await anotherManufacturer(target);
      if (typeof other !== 'string') return skipped(other.skip);
      const answer = await postGraphQL(
        target,
        target.tokens.manufacturer,
        'query($id: ID!) { manufacturer(id: $id) { settlements(first: 5) { edges { node { unitsSold revenue } } } } }',
        { id: other },
      );
      return refusedHttp(answer, 'FORBIDDEN', Boolean(answer.data?.manufacturer?.settlements));
    },
  },
  {
    name: "a manufacturer watches another manufacturer's notices",
    expected: 'subscription refused: FORBIDDEN',
    run: async (target) => {
      const other = await anotherManufacturer(target);
      if (typeof other !== 'string') return skipped(other.skip);
      const answer = await firstLiveAnswer(target, target.tokens.manufacturer, 'subscription($m: ID) { manufacturerNotices(manufacturerId: $m) { kind quantity } }', { m: other });
      return refusedLive(answer, 'FORBIDDEN');
    },
  },
  {
    name: 'anonymous and a customer read the stock ledger',
    expected: 'UNAUTHENTICATED, then FORBIDDEN',
    run: async (target) => {
      const LEDGER = 'query($id: ID!) { stockMovements(productId: $id, first: 5) { edges { node { kind orderId } } } }';
      const anonymous = refusedHttp(await postGraphQL(target, undefined, LEDGER, { id: randomUUID() }), 'UNAUTHENTICATED', false);
      if (!target.tokens.customer) return { ...anonymous, observed: `anonymous: ${anonymous.observed}; customer: no token` };
      const customer = refusedHttp(await postGraphQL(target, target.tokens.customer, LEDGER, { id: randomUUID() }), 'FORBIDDEN', false);
      return { passed: anonymous.passed && customer.passed, observed: `anonymous: ${anonymous.observed}; customer: ${customer.observed}` };
    },
  },
  {
    name: 'anonymous and a customer close the round',
    expected: 'UNAUTHENTICATED, then FORBIDDEN; the round unchanged',
    run: async (target) => {
      const CLOSE = 'mutation { closeRound { number status } }';
      const anonymous = refusedHttp(await postGraphQL(target, undefined, CLOSE), 'UNAUTHENTICATED', false);
      if (!target.tokens.customer) return { ...anonymous, observed: `anonymous: ${anonymous.observed}; customer: no token` };
      const customer = refusedHttp(await postGraphQL(target, target.tokens.customer, CLOSE), 'FORBIDDEN', false);
      return { passed: anonymous.passed && customer.passed, observed: `anonymous: ${anonymous.observed}; customer: ${customer.observed}` };
    },
  },
];
