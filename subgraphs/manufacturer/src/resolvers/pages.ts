/** Cursors of this service's connections: (name, id) for catalog lists, round number for settlements. */
import { badUserInput } from '@distribution/errors';
import { decodeCursor, encodeCursor } from '@distribution/server';
import { isUuid } from '@distribution/db';

const invalidCursor = () => badUserInput('The cursor is not valid; use a cursor returned by this API', { argument: 'after' });

/** The (name, id) position a catalog cursor points at, or null for the first page. */
export function namePosition(after: string | null | undefined): [string, string] | null {
  if (after == null) return null;
  const [name, id] = decodeCursor(after, 2);
  if (typeof name !== 'string' || !isUuid(id)) throw invalidCursor();
  return [name, id];
}

export const nameCursor = (row: { name: string; id: string }) => encodeCursor([row.name, row.id]);

/** The round a settlements cursor points at (the next page has older rounds), or null. */
export function roundPosition(after: string | null | undefined): number | null {
  if (after == null) return null;
  const [round] = decodeCursor(after, 1);
  if (typeof round !== 'number' || !Number.isSafeInteger(round) || round < 1 || round > 2_147_483_647) throw invalidCursor();
  return round;
}

export const roundCursor = (row: { roundNumber: number }) => encodeCursor([row.roundNumber]);
