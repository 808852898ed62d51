/** Opening a round: supply enters stock, but only once every settlement of the last round is applied. */
import { sqlOf, type ServiceDatabase } from '@distribution/db';
import { recordEvents } from '@distribution/events';
import { conflict } from '@distribution/errors';
import { addDuration } from '../domain/duration.js';
import { nextRoundNumber, openingBlocker, openingStock } from '../domain/rounds.js';
import { holdRoundTransitionLock } from '../db/locks.js';
import { insertRound, latestRoundState } from '../db/rounds.js';
import type { Round } from '../db/records.js';
import { lockAllStock, upsertStock } from '../db/stock.js';
import { productsOnOffer } from '../db/products.js';
import { recordMovements } from '../db/ledger.js';
import { roundOpened } from '../events/payloads.js';
import { stockChangeEvents } from '../events/stock-events.js';
import { announceLive } from '../live/announce.js';
import type { InventoryDeps } from '../settings.js';

/** Opens round N+1 (CONFLICT naming the round that blocks it otherwise). */
export async function openNextRound(database: ServiceDatabase, deps: InventoryDeps): Promise<Round> {
  return database.transaction(async (manager) => {
    const sql = sqlOf(manager);
    await holdRoundTransitionLock(sql);
    const latest = await latestRoundState(sql);
    const blocker = openingBlocker(latest);
    if (blocker) throw conflict(blocker, { roundNumber: latest!.number, roundStatus: latest!.status });

    const number = nextRoundNumber(latest);
    const [clock] = await sql.query<{ now: Date }>('SELECT clock_timestamp() AS now');
    const now = clock!.now;
    const endsAt = addDuration(now, deps.roundPeriod);
    const round = await insertRound(sql, number, now, endsAt);
    const stock = await lockAllStock(sql, deps.defaultThreshold);
    const offered = await productsOnOffer(sql);
    const { changes, movements } = openingStock({ roundNumber: number, stock, offered, defaultThreshold: deps.defaultThreshold });
    await upsertStock(sql, changes.map((c) => c.after));
    await recordMovements(sql, movements);
    const events = [roundOpened(number, now, endsAt), ...stockChangeEvents(changes)];
    await recordEvents(sql, deps.schema, events);
    await announceLive(sql, events);
    deps.logger.info({ roundNumber: number, endsAt, products: offered.length }, 'round opened');
    return round;
  });
}
