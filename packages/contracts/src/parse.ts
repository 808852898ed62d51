/**
 * Consumer side: an event from the bus, read through the contract. A consumer names the versions
 * it accepts of each type; anything else (another type, an unknown version, a payload the schema
 * refuses) is an EventParseError, which the bus parks at once: retrying cannot make it readable.
 */
import type { z } from 'zod';
import { schemaOf, type ContractEventOf, type PayloadOf, type VersionOf } from './contract.js';
import type { EventType } from './event-type.js';
import { describeIssues } from './issues.js';

/** What a consumer accepts: per event type, the versions it reads. */
export type Accepts = { readonly [T in EventType]?: readonly VersionOf<T>[] };

/** The part of an envelope the contract reads; the other fields (id, position, ...) pass through. */
export interface Envelope {
  id?: string;
  type: string;
  version: number;
  payload: unknown;
}

/** `event` read as one of the (type, version) pairs `A` accepts: a union discriminated by `type` (and `version`). */
export type Parsed<E extends Envelope, A extends Accepts> = {
  [T in keyof A & EventType]: A[T] extends readonly (infer V)[] ? (V extends VersionOf<T> ? Omit<E, 'type' | 'version' | 'payload'> & ContractEventOf<T, V> : never) : never;
}[keyof A & EventType];

/** An event a consumer cannot read: a type or version it does not accept, or a payload its schema refuses. */
export class EventParseError extends Error {
  constructor(
    readonly type: string,
    readonly version: number,
    readonly eventId: string | undefined,
    readonly issues: string[],
  ) {
    super(`${type} v${version}${eventId ? ` (${eventId})` : ''} cannot be read: ${issues.join('; ')}`);
    this.name = 'EventParseError';
  }
}

/** The types `accepts` names (what a consumer subscribes to). */
export const acceptedTypes = (accepts: Accepts): EventType[] => Object.keys(accepts) as EventType[];

/** Reads `event` through the contract; throws EventParseError when `accepts` or the schema refuses it. */
export function parseEvent<E extends Envelope, const A extends Accepts>(event: E, accepts: A): Parsed<E, A> {
  const versions = (accepts as Record<string, readonly number[] | undefined>)[event.type];
  if (!Object.hasOwn(accepts, event.type) || !versions) throw new EventParseError(event.type, event.version, event.id, ['not a type this consumer reads']);
  if (!versions.includes(event.version)) {
    throw new EventParseError(event.type, event.version, event.id, [`version ${event.version} is not read here (reads ${versions.map((v) => `v${v}`).join(', ')})`]);
  }
  const payload = readPayload(event.type, event.version, event.payload, event.id);
  return { ...event, payload } as unknown as Parsed<E, A>;
}

/** Reads one payload of a known (type, version); throws EventParseError when the schema refuses it. */
export function parsePayload<T extends EventType, V extends VersionOf<T>>(type: T, version: V, payload: unknown): PayloadOf<T, V> {
  return readPayload(type, version, payload, undefined) as PayloadOf<T, V>;
}

function readPayload(type: string, version: number, payload: unknown, eventId: string | undefined): unknown {
  const schema: z.ZodType | undefined = schemaOf(type, version);
  if (!schema) throw new EventParseError(type, version, eventId, ['the contract defines no such event']);
  const result = schema.safeParse(payload);
  if (!result.success) throw new EventParseError(type, version, eventId, describeIssues(result.error));
  return result.data;
}
