/** Field kinds every payload spells the same way (PROTOCOL.md, "Rules"). */
import { z } from 'zod';

/** A UUID of any version, lower-case as Postgres prints it (8-4-4-4-12 hex). */
const LOWER_CASE_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * An id: a lower-case UUID string, so ids from different producers compare equal as they are
 * (no consumer lower-cases), and nothing else ever reaches a `uuid` column (a cast error there).
 */
export const id = () => z.string().regex(LOWER_CASE_UUID, 'must be a lower-case UUID');

/** Units of a product, or a count: an integer that fits the int columns it lands in. */
export const units = () => z.int32().nonnegative();

/** A change of units, either way. */
export const unitsDelta = () => z.int32();

/** Money: integer cents per unit (an int column). */
export const unitPriceCents = () => z.int32().nonnegative();

/** Money summed over many units: integer cents, beyond int32 (a bigint column). */
export const totalCents = () => z.int().nonnegative();

/** A distribution round's number (from 1). */
export const roundNumber = () => z.int32().positive();

/** A moment, as ISO-8601 text. */
export const instant = () => z.iso.datetime({ offset: true });
