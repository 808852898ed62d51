/**
 * Manufacturer notices: what happened to a manufacturer's goods, announced with pg_notify on
 * NOTICES_CHANNEL inside the transaction that learnt it (delivered at commit, to every replica).
 * A notice is a small fact of a moment, so it travels whole; a NOTIFY payload holds at most 8000
 * bytes, so many notices are split over several payloads.
 */
import type { Sql } from '@distribution/db';

export const NOTICES_CHANNEL = 'manufacturer_live';
/** Below Postgres' 8000-byte limit, with room to spare. */
export const MAX_PAYLOAD_BYTES = 7000;

/**
 * SOLD: a customer's order took `quantity` units (reserved now; they are sold for good when the
 * round closes, and SETTLED then books them). DEPLETED: the distributor has no unit left in the
 * round. SETTLED: the closed round's sales of this manufacturer were booked.
 */
export type NoticeKind = 'SOLD' | 'DEPLETED' | 'SETTLED';
export const NOTICE_KINDS: readonly NoticeKind[] = ['SOLD', 'DEPLETED', 'SETTLED'];

export interface Notice {
  kind: NoticeKind;
  manufacturerId: string;
  productId: string | null;
  quantity: number | null;
  roundNumber: number | null;
  settlementId: string | null;
  /** ISO-8601 time it happened. */
  at: string;
}

export async function announceNotices(sql: Sql, notices: readonly Notice[]): Promise<void> {
  const payloads = noticePayloads(notices);
  if (payloads.length === 0) return;
  // One statement however many payloads; a function scan yields them (and so notifies) in array order.
  await sql.query(`SELECT pg_notify('${NOTICES_CHANNEL}', payload) FROM unnest($1::text[]) AS payload`, [payloads]);
}

/** The notices as JSON arrays, each within MAX_PAYLOAD_BYTES, in order. */
export function noticePayloads(notices: readonly Notice[]): string[] {
  const payloads: string[] = [];
  let part: string[] = [];
  let size = 2;
  for (const notice of notices) {
    const text = JSON.stringify(notice);
    if (part.length > 0 && size + Buffer.byteLength(text) + 1 > MAX_PAYLOAD_BYTES) {
      payloads.push(`[${part.join(',')}]`);
      part = [];
      size = 2;
    }
    part.push(text);
    size += Buffer.byteLength(text) + 1;
  }
  if (part.length > 0) payloads.push(`[${part.join(',')}]`);
  return payloads;
}

/** Reads a payload of NOTICES_CHANNEL; what this version does not understand is left out. */
export function readNotices(text: string): Notice[] {
  let items: unknown;
  try {
    items = JSON.parse(text);
  } catch {
    return [];
  }
  if (!Array.isArray(items)) return [];
  return items.filter((n): n is Notice => typeof n === 'object' && n !== null && NOTICE_KINDS.includes(n.kind) && typeof n.manufacturerId === 'string' && typeof n.at === 'string');
}
