/** Opaque cursors for connections: base64url of JSON, validated on the way back in. */
import { badUserInput } from '@distribution/errors';

export function encodeCursor(values: Array<string | number>): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

/** Decodes a cursor made by encodeCursor; any other text is a BAD_USER_INPUT error. */
export function decodeCursor(cursor: string, arity: number): Array<string | number> {
  try {
    const values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(values) && values.length === arity && values.every((v) => typeof v === 'string' || typeof v === 'number')) return values;
  } catch {
    /* fall through */
  }
  throw badUserInput('The cursor is not valid; use a cursor returned by this API', { argument: 'after' });
}

/** Items a connection returns when the client sends no `first` (the gateway's cost estimate assumes the same). */
export const DEFAULT_PAGE_SIZE = 20;

/** Validates `first` for a connection: 1..max, default `fallback`. */
export function pageSize(first: number | null | undefined, fallback = DEFAULT_PAGE_SIZE, max = 100): number {
  if (first === null || first === undefined) return fallback;
  if (!Number.isInteger(first) || first < 1 || first > max) throw badUserInput(`first must be between 1 and ${max}`, { argument: 'first' });
  return first;
}

export interface Connection<T> {
  edges: Array<{ node: T; cursor: string }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** Builds a connection from `limit + 1` fetched rows (the extra row only says there is a next page). */
export function toConnection<T>(rows: T[], limit: number, cursorOf: (row: T) => string): Connection<T> {
  const page = rows.slice(0, limit);
  const edges = page.map((node) => ({ node, cursor: cursorOf(node) }));
  return { edges, pageInfo: { hasNextPage: rows.length > limit, endCursor: edges.at(-1)?.cursor ?? null } };
}
