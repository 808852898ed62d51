/**
 * The bus console's resolvers for one service: its consumers' health, its parked events (listed,
 * retried, discarded) and its parking notices, for the OPERATOR. Each subgraph serves its own part,
 * under field names carrying its word (`inventoryBus`, `retryParkedInventoryEvent`, ...): a root
 * field is resolved by exactly one subgraph, and each service owns its parked events.
 */
import { readFileSync } from 'node:fs';
import { Role, requireRole } from '@distribution/auth';
import { isUuid } from '@distribution/db';
import { badUserInput, notFound } from '@distribution/errors';
import {
  consumerHealth,
  discardParkedEvent,
  listParkedEvents,
  recentRepairs,
  retryParkedEvent,
  type BusRepair,
  type ConsumerHealth,
  type ParkedEvent,
  type ParkedEventKey,
} from '@distribution/events';
import { decodeCursor, encodeCursor, pageSize, toConnection } from '../cursor.js';
import type { RequestContext } from '../subgraph-server.js';
import type { ServiceRuntime } from '../service.js';
import { ParkingNoticeFeed, type BusNotice } from './parking-notices.js';

const TEMPLATE = readFileSync(new URL('./bus-console.graphql', import.meta.url), 'utf8');
export const MAX_DISCARD_REASON = 500;

/** The console's SDL for the service named `service`: what its schema.graphql must contain. */
export function busConsoleSdl(service: string): string {
  return TEMPLATE.replaceAll('{service}', service).replaceAll('{Service}', service[0]!.toUpperCase() + service.slice(1));
}

/** The root fields of the console for `service`. */
export function busConsoleFields(service: string) {
  const word = service[0]!.toUpperCase() + service.slice(1);
  return { health: `${service}Bus`, retry: `retryParked${word}Event`, discard: `discardParked${word}Event`, notices: `${service}BusNotices` };
}

const iso = (date: Date | null) => (date ? new Date(date).toISOString() : null);

/** `service/consumer/eventId` → the key; NOT_FOUND for an id of another service or no id at all. */
function parkedKey(service: string, id: string): ParkedEventKey {
  const parts = typeof id === 'string' && id.length <= 300 ? id.split('/') : [];
  const [owner, consumer, eventId] = parts;
  if (parts.length !== 3 || owner !== service || !consumer || !isUuid(eventId)) throw notFound('ParkedEvent', String(id).slice(0, 300));
  return { consumer, eventId: eventId!.toLowerCase() };
}

/** Resolvers of the console for `service`, on the running service `runtime`. */
export function busConsoleResolvers(service: string, runtime: ServiceRuntime) {
  const fields = busConsoleFields(service);
  const { database, bus } = runtime;
  const parkedId = (key: ParkedEventKey) => `${service}/${key.consumer}/${key.eventId}`;
  let feed: ParkingNoticeFeed | null = null;
  const operator = (ctx: RequestContext) => requireRole(ctx.identity, Role.Operator);

  return {
    Query: {
      [fields.health]: (_: unknown, __: unknown, ctx: RequestContext) => {
        operator(ctx);
        return { service };
      },
    },
    Mutation: {
      [fields.retry]: async (_: unknown, args: { id: string }, ctx: RequestContext) => {
        const who = operator(ctx);
        const key = parkedKey(service, args.id);
        const result = await retryParkedEvent(database, bus, key, who.sub);
        if (!result) throw notFound('ParkedEvent', args.id);
        ctx.logger.warn({ consumer: key.consumer, eventId: key.eventId, by: who.sub, outcome: result.outcome }, 'parked event retried by an operator');
        return { id: parkedId(key), ...result };
      },
      [fields.discard]: async (_: unknown, args: { id: string; reason: string }, ctx: RequestContext) => {
        const who = operator(ctx);
        const key = parkedKey(service, args.id);
        const reason = args.reason.trim();
        if (reason.length === 0 || reason.length > MAX_DISCARD_REASON) throw badUserInput(`reason must be 1 to ${MAX_DISCARD_REASON} characters`, { argument: 'reason' });
        if (!(await discardParkedEvent(database, key, who.sub, reason))) throw notFound('ParkedEvent', args.id);
        ctx.logger.warn({ consumer: key.consumer, eventId: key.eventId, by: who.sub, reason }, 'parked event discarded by an operator');
        return { id: parkedId(key), outcome: 'DISCARDED', error: null };
      },
    },
    Subscription: {
      [fields.notices]: {
        subscribe: (_: unknown, __: unknown, ctx: RequestContext) => {
          operator(ctx);
          feed ??= new ParkingNoticeFeed(service, database.schema, runtime.listener, runtime.logger);
          return feed.notices();
        },
        resolve: (notice: BusNotice) => notice,
      },
    },
    BusHealth: {
      consumers: () => consumerHealth(database, bus.registeredConsumers()),
      parkedEvents: async (_: unknown, args: { first?: number | null; after?: string | null }) => {
        const limit = pageSize(args.first);
        let after: { position: number; consumer: string } | null = null;
        if (args.after != null) {
          const [position, consumer] = decodeCursor(args.after, 2);
          if (!Number.isSafeInteger(position) || typeof consumer !== 'string')
            throw badUserInput('The cursor is not valid; use a cursor returned by this API', { argument: 'after' });
          after = { position: position as number, consumer };
        }
        return toConnection(await listParkedEvents(database, limit + 1, after), limit, (p) => encodeCursor([p.position, p.consumer]));
      },
      repairs: (_: unknown, args: { first?: number | null }) => recentRepairs(database, pageSize(args.first)),
    },
    ConsumerHealth: {
      oldestUnappliedAt: (health: ConsumerHealth) => iso(health.oldestUnappliedAt),
    },
    ParkedEvent: {
      id: (event: ParkedEvent) => parkedId(event),
      service: () => service,
      eventType: (event: ParkedEvent) => event.type,
      parkedAt: (event: ParkedEvent) => iso(event.parkedAt),
      occurredAt: (event: ParkedEvent) => iso(event.occurredAt),
    },
    BusRepair: {
      id: (repair: BusRepair) => String(repair.id),
      parkedEventId: (repair: BusRepair) => parkedId(repair),
      eventType: (repair: BusRepair) => repair.type,
      by: (repair: BusRepair) => repair.actor,
      at: (repair: BusRepair) => iso(repair.at),
    },
    BusNotice: {
      parkedEventId: (notice: BusNotice) => parkedId(notice),
      at: (notice: BusNotice) => iso(notice.at),
    },
  };
}

/** `base` with the console's resolvers added, type by type. */
export function withBusConsole<R extends Record<string, any>>(base: R, console: Record<string, Record<string, unknown>>): R {
  const merged: Record<string, any> = { ...base };
  for (const [type, fieldResolvers] of Object.entries(console)) merged[type] = { ...(base[type] ?? {}), ...fieldResolvers };
  return merged as R;
}
