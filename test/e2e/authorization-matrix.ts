/**
 * Runs one rule of the authorization matrix as each of the six actors, through the gateway (HTTP
 * for queries and mutations, graphql-ws for subscriptions), and says what went wrong.
 */
import type { GraphQLSchema } from 'graphql';
import type { GraphQLResponse, LiveWatch } from '@distribution/testkit';
import { ACTORS, refusalCodeFor, type Actor, type World } from './authorization-world.js';
import type { Check, HttpCheck, LiveCheck, PublicRule, RestrictedRule, Request } from './authorization-rules.js';
import { selectedCoordinates } from './authorization-coverage.js';

/** The actors who get everything, those who get their own rows only, and those refused. */
interface Roles {
  full: Actor[];
  own: Actor[];
  refused: Actor[];
}

function rolesOf(rule: PublicRule | RestrictedRule): Roles {
  if (rule.access === 'public') return { full: [...ACTORS], own: [], refused: [] };
  const own = rule.ownRows ?? [];
  return { full: rule.allowed, own, refused: ACTORS.filter((a) => !rule.allowed.includes(a) && !own.includes(a)) };
}

const AWAIT_EVENT_MS = 5000;
/** A notice field's trigger is tried this often (a subscription may not be in place upstream yet the first time). */
const TRIGGER_ATTEMPTS = 5;
const AWAIT_TRIGGERED_MS = 3000;

const brief = (value: unknown) => JSON.stringify(value)?.slice(0, 300);

/** Every problem running `rule` for the six actors shows; empty when each actor got what the rule says. */
export async function matrixProblems(coordinate: string, rule: PublicRule | RestrictedRule, world: World, schema: GraphQLSchema): Promise<string[]> {
  const roles = rolesOf(rule);
  const problems: string[] = [];
  const requestFor = (check: Check): Request => {
    const request = check.request(world);
    const { coordinates, errors } = selectedCoordinates(schema, request.query);
    for (const error of errors) problems.push(`${coordinate}: its operation is not valid: ${error}`);
    if (!coordinates.has(coordinate)) problems.push(`${coordinate}: its operation does not select it: ${request.query}`);
    return request;
  };
  const httpChecks = (rule.checks ?? []).filter((c): c is HttpCheck => c.over === 'http');
  const liveChecks = (rule.checks ?? []).filter((c): c is LiveCheck => c.over === 'ws');

  // Refusals first, so that a permitted state change (closing the round) cannot hide a missing check.
  for (const check of httpChecks) {
    for (const actor of roles.refused) {
      const response = await world.http(actor)(...asArgs(requestFor(check)));
      problems.push(...refusalProblems(`${actor} on ${coordinate} (http)`, actor, response.errors, rowsIn(check, response.data)));
    }
  }
  if (rule.access === 'restricted') await rule.beforeAllowed?.(world);
  for (const check of httpChecks) {
    for (const actor of [...roles.full, ...roles.own]) {
      const response = await world.http(actor)(...asArgs(requestFor(check)));
      const label = `${actor} on ${coordinate} (http)`;
      if (response.errors?.length || !response.data) problems.push(`${label}: allowed, yet answered ${brief(response.errors ?? response)}`);
      else if (check.rows) problems.push(...rowProblems(label, actor, roles, world, safeRows(check, response.data)));
    }
  }
  for (const check of liveChecks) problems.push(...(await liveProblems(coordinate, check, roles, world, requestFor)));
  return problems;
}

const asArgs = (request: Request): [string, Record<string, unknown> | undefined] => [request.query, request.variables];

function safeRows(check: Check, data: unknown): string[] {
  try {
    return (check.rows?.(data) ?? []).map((id) => String(id).toLowerCase());
  } catch {
    return [];
  }
}
const rowsIn = (check: Check, data: unknown) => (check.rows && data ? safeRows(check, data) : []);

function refusalProblems(label: string, actor: Actor, errors: GraphQLResponse['errors'] | Array<{ extensions?: Record<string, unknown> }>, rows: string[]): string[] {
  const expected = refusalCodeFor(actor);
  const codes = (errors ?? []).map((e) => String(e.extensions?.code));
  const problems: string[] = [];
  if (codes.length === 0 || codes.some((code) => code !== expected)) problems.push(`${label}: expected ${expected}, got ${codes.length ? codes.join(', ') : 'no error'}`);
  if (rows.length > 0) problems.push(`${label}: refused, yet shown rows of ${[...new Set(rows)].join(', ')}`);
  return problems;
}

/** Own-rows actors see rows, all theirs; full actors see every own-rows actor's (so the filter had something to hide). */
function rowProblems(label: string, actor: Actor, roles: Roles, world: World, rows: string[]): string[] {
  const problems: string[] = [];
  if (roles.own.includes(actor)) {
    const owner = world.ownerOf(actor);
    if (rows.length === 0) problems.push(`${label}: shown no row of its own, so the filter is not shown to work`);
    const others = [...new Set(rows.filter((row) => row !== owner))];
    if (others.length) problems.push(`${label}: shown rows of others: ${others.join(', ')}`);
  } else {
    for (const other of roles.own) {
      if (!rows.includes(world.ownerOf(other)!)) problems.push(`${label}: not shown ${other}'s rows (the world should hold some)`);
    }
  }
  return problems;
}

type Read = 'done' | 'waiting' | { problem: string };

/** Reads `watch` until it holds `wanted` events: 'waiting' when none came in time, a problem for anything but an event. */
async function readEvents(watch: LiveWatch, into: unknown[], wanted: number, timeoutMs: number): Promise<Read> {
  while (into.length < wanted) {
    let message;
    try {
      message = await watch.take(timeoutMs);
    } catch {
      return 'waiting';
    }
    if (message.kind !== 'next' || message.payload.errors?.length || !message.payload.data) return { problem: `answered ${brief(message)}` };
    into.push(message.payload.data);
  }
  return 'done';
}

async function liveProblems(coordinate: string, check: LiveCheck, roles: Roles, world: World, requestFor: (check: Check) => Request): Promise<string[]> {
  const problems: string[] = [];
  const clients = ACTORS.map((actor) => [actor, world.live(actor)] as const);
  try {
    const watches = new Map(
      clients.map(([actor, client]) => {
        const request = requestFor(check);
        return [actor, client.watch(request.query, request.variables)] as const;
      }),
    );
    for (const actor of roles.refused) {
      const label = `${actor} on ${coordinate} (ws)`;
      try {
        problems.push(
          ...refusalProblems(
            label,
            actor,
            (await watches.get(actor)!.refusal(AWAIT_EVENT_MS)).map((code) => ({ extensions: { code } })),
            [],
          ),
        );
      } catch (error) {
        problems.push(`${label}: expected ${refusalCodeFor(actor)}, got ${(error as Error).message.slice(0, 300)}`);
      }
    }
    const wanted = check.events ?? 1;
    const allowed = [...roles.full, ...roles.own];
    const events = new Map<Actor, unknown[]>(allowed.map((actor) => [actor, []]));
    const failed = new Set<Actor>();
    const read = async (actor: Actor, timeoutMs: number) => {
      const outcome = await readEvents(watches.get(actor)!, events.get(actor)!, wanted, timeoutMs);
      if (typeof outcome === 'object') {
        failed.add(actor);
        problems.push(`${actor} on ${coordinate} (ws): allowed, yet ${outcome.problem}`);
      }
    };
    const hungry = () => allowed.filter((actor) => !failed.has(actor) && events.get(actor)!.length < wanted);
    if (!check.trigger) await Promise.all(allowed.map((actor) => read(actor, AWAIT_EVENT_MS)));
    for (let attempt = 0; check.trigger && attempt < TRIGGER_ATTEMPTS && hungry().length > 0; attempt += 1) {
      await check.trigger(world);
      await Promise.all(hungry().map((actor) => read(actor, AWAIT_TRIGGERED_MS)));
    }
    for (const actor of hungry()) problems.push(`${actor} on ${coordinate} (ws): allowed, yet heard ${events.get(actor)!.length} of ${wanted} events`);
    if (check.rows) {
      for (const actor of allowed.filter((a) => !failed.has(a))) {
        const rows = events.get(actor)!.flatMap((data) => safeRows(check, data));
        problems.push(...rowProblems(`${actor} on ${coordinate} (ws)`, actor, roles, world, rows));
      }
    }
  } finally {
    await Promise.all(clients.map(([, client]) => client.close()));
  }
  return problems;
}
