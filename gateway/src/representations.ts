/**
 * Entity fetches with each distinct representation sent once. The query planner asks a subgraph
 * for one representation per occurrence (twenty order lines of the same product: twenty
 * `{ __typename: "Product", id }`); the subgraph resolves each. Sending the distinct ones and
 * spreading the answers back costs the gateway little and spares the subgraph the repeats.
 */
import type { GraphQLFormattedError } from 'graphql';

export interface DedupedRepresentations {
  /** Distinct representations, in order of first occurrence: what the subgraph is sent. */
  unique: unknown[];
  /** For each original position, its index in `unique`. */
  order: number[];
}

/**
 * A key equal for equal representations, cheaper than JSON.stringify. Most are
 * `{ __typename, <one key field> }` of strings: `<length>:<typename>\0<field>\0<value>` (field
 * names are GraphQL names, without \0). Other flat ones of strings: ':' then `<name>:<length>:<value>`
 * for each field. Anything else: '{' then its JSON. The three forms start differently (digit, ':',
 * '{') and each reads back unambiguously, so different representations never share a key.
 */
function keyOf(representation: unknown): string {
  if (representation === null || typeof representation !== 'object' || Array.isArray(representation)) return `{${JSON.stringify(representation)}`;
  const fields = representation as Record<string, unknown>;
  const names = Object.keys(fields);
  if (names.length === 2 && names[0] === '__typename') {
    const typename = fields.__typename;
    const value = fields[names[1]!];
    if (typeof typename === 'string' && typeof value === 'string') return `${typename.length}:${typename}\0${names[1]}\0${value}`;
  }
  let key = ':';
  for (const name of names) {
    const value = fields[name];
    if (typeof value !== 'string') return `{${JSON.stringify(representation)}`;
    key += `${name}:${value.length}:${value}`;
  }
  return key;
}

/** Null when there is nothing to gain (no repeats), so the request goes as it is. */
export function dedupeRepresentations(representations: readonly unknown[]): DedupedRepresentations | null {
  const index = new Map<string, number>();
  const unique: unknown[] = [];
  const order: number[] = new Array(representations.length);
  for (let i = 0; i < representations.length; i++) {
    const key = keyOf(representations[i]);
    let at = index.get(key);
    if (at === undefined) {
      at = unique.length;
      index.set(key, at);
      unique.push(representations[i]);
    }
    order[i] = at;
  }
  return unique.length < representations.length ? { unique, order } : null;
}

/** A JSON value copied, so that positions sharing an answer do not share (and merge into) one object. */
function copy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copy);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) out[key] = copy((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

/**
 * Rewrites a subgraph's answer to the distinct representations into the answer to the original
 * list: `_entities` spread back to every position, and each `_entities.<i>` error repeated for every
 * position that sent that representation (as the subgraph would have reported them). An answer of
 * an unexpected shape is left as it is, for the executor to reject as usual.
 */
export function spreadEntities<R extends { data?: unknown; errors?: readonly GraphQLFormattedError[] }>(response: R, { unique, order }: DedupedRepresentations): R {
  const data = response.data as { _entities?: unknown } | null | undefined;
  const entities = data?._entities;
  if (!Array.isArray(entities) || entities.length !== unique.length) return response;
  const used = new Array<boolean>(unique.length).fill(false);
  const spread = order.map((at) => {
    if (!used[at]) {
      used[at] = true;
      return entities[at];
    }
    return copy(entities[at]);
  });
  const result = { ...response, data: { ...data, _entities: spread } };
  if (response.errors?.length) {
    const positions: number[][] = unique.map(() => []);
    order.forEach((at, position) => positions[at]!.push(position));
    result.errors = response.errors.flatMap((error) => {
      const path = error.path;
      if (!path || path[0] !== '_entities' || typeof path[1] !== 'number' || !positions[path[1]]) return [error];
      return positions[path[1]]!.map((position) => ({ ...error, path: ['_entities', position, ...path.slice(2)] }));
    });
  }
  return result;
}
