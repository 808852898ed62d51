/** Distribution rounds, what each sold, and which manufacturers have settled. */
import { Any, IsNull, LessThan } from 'typeorm';
import { repositoryOf, type Sql } from '@distribution/db';
import type { RoundCloseReason, RoundSale, RoundState } from '../domain/rounds.js';
import { DistributionRoundEntity, RoundSaleEntity, RoundSettlementEntity } from './entities/index.js';
import { toRound, type Round, type RoundColumns } from './records.js';

/** The latest round (whatever its status), or null before the first. */
export async function latestRound(sql: Sql): Promise<Round | null> {
  const [round] = await repositoryOf(sql, DistributionRoundEntity).find({ order: { number: 'DESC' }, take: 1 });
  return round ?? null;
}

/**
 * The open round, or null. Raw (typed by the entity): every reservation batch reads it, where a
 * repository read costs about twice the CPU of the same statement.
 */
export async function openRound(sql: Sql): Promise<Round | null> {
  const [row] = await sql.query<RoundColumns>(`SELECT * FROM distribution_round WHERE status = 'OPEN'`);
  return row ? toRound(row) : null;
}

/** The latest round with, when closed, the manufacturers it still waits for. */
export async function latestRoundState(sql: Sql): Promise<RoundState | null> {
  const round = await latestRound(sql);
  if (!round) return null;
  if (round.status !== 'CLOSED') return { number: round.number, status: round.status };
  const waiting = await repositoryOf(sql, RoundSettlementEntity).find({
    select: { manufacturerId: true },
    where: { roundNumber: round.number, settledAt: IsNull() },
    order: { manufacturerId: 'ASC' },
  });
  return { number: round.number, status: round.status, awaitingSettlementFrom: waiting.map((w) => w.manufacturerId) };
}

export async function insertRound(sql: Sql, number: number, openedAt: Date, endsAt: Date): Promise<Round> {
  const round: Round = { number, status: 'OPEN', openedAt, endsAt, closedAt: null, closeReason: null };
  await repositoryOf(sql, DistributionRoundEntity).createQueryBuilder().insert().values(round).updateEntity(false).execute();
  return round;
}

/** Locks the open round for closing; with `skipLocked`, a round someone else is closing is skipped. */
export async function lockOpenRound(sql: Sql, options: { pastItsEnd?: boolean; skipLocked?: boolean } = {}): Promise<Round | null> {
  const open = repositoryOf(sql, DistributionRoundEntity).createQueryBuilder('r').where(`r.status = 'OPEN'`).setLock('pessimistic_write');
  if (options.pastItsEnd) open.andWhere('r.endsAt <= now()');
  if (options.skipLocked) open.setOnLocked('skip_locked');
  return open.getOne();
}

/** Is an open round past its end? (Cheap, lock-free: the period watch asks this every tick.) */
export async function roundPastItsEnd(sql: Sql): Promise<number | null> {
  const row = await repositoryOf(sql, DistributionRoundEntity)
    .createQueryBuilder('r')
    .select('r.number', 'number')
    .where(`r.status = 'OPEN' AND r.endsAt <= now()`)
    .getRawOne<Pick<DistributionRoundEntity, 'number'>>();
  return row ? row.number : null;
}

/** Records the close, the sales and who must settle; a round that sold nothing is settled at once. */
export async function recordRoundClosed(sql: Sql, number: number, reason: RoundCloseReason, sales: RoundSale[], manufacturers: string[]): Promise<Round> {
  const settled = manufacturers.length === 0;
  const { raw } = await repositoryOf(sql, DistributionRoundEntity)
    .createQueryBuilder()
    .update()
    .set({
      status: settled ? 'SETTLED' : 'CLOSED',
      closedAt: () => 'clock_timestamp()',
      closeReason: reason,
      settledAt: settled ? () => 'clock_timestamp()' : null,
    })
    .where(`number = :number AND status = 'OPEN'`, { number })
    .returning('*')
    .updateEntity(false)
    .execute();
  const [row] = raw as RoundColumns[];
  if (!row) throw new Error(`Round ${number} is not open`);
  if (sales.length) {
    // Set-based: one statement per table, however many products and manufacturers.
    await sql.query(
      `INSERT INTO round_sale (round_number, product_id, manufacturer_id, units_sold, revenue_cents)
       SELECT $1, * FROM unnest($2::uuid[], $3::uuid[], $4::int[], $5::bigint[])`,
      [number, sales.map((s) => s.productId), sales.map((s) => s.manufacturerId), sales.map((s) => s.unitsSold), sales.map((s) => s.revenueCents)],
    );
    await sql.query('INSERT INTO round_settlement (round_number, manufacturer_id) SELECT $1, unnest($2::uuid[])', [number, manufacturers]);
  }
  return toRound(row);
}

/** Marks one manufacturer settled for a round; false when it was not expected or already settled. */
export async function markManufacturerSettled(sql: Sql, roundNumber: number, manufacturerId: string, settlementId: string): Promise<boolean> {
  const { affected } = await repositoryOf(sql, RoundSettlementEntity).update({ roundNumber, manufacturerId, settledAt: IsNull() }, { settlementId, settledAt: () => 'now()' });
  return affected === 1;
}

/** Settles a CLOSED round whose every manufacturer has settled; true when this call settled it. */
export async function settleRoundIfComplete(sql: Sql, roundNumber: number): Promise<boolean> {
  const { affected } = await repositoryOf(sql, DistributionRoundEntity)
    .createQueryBuilder()
    .update()
    .set({ status: 'SETTLED', settledAt: () => 'now()' })
    .where(
      `number = :roundNumber AND status = 'CLOSED'
      AND NOT EXISTS (SELECT 1 FROM round_settlement WHERE round_number = :roundNumber AND settled_at IS NULL)`,
      { roundNumber },
    )
    .updateEntity(false)
    .execute();
  return affected === 1;
}

/** Rounds newest first, before round `beforeNumber`; `limit + 1` rows to tell if there is more. */
export async function roundsPage(sql: Sql, limit: number, beforeNumber: number | null): Promise<Round[]> {
  return repositoryOf(sql, DistributionRoundEntity).find({
    where: beforeNumber === null ? {} : { number: LessThan(beforeNumber) },
    order: { number: 'DESC' },
    take: limit + 1,
  });
}

/** What many rounds sold, in ONE statement (the loader). */
export async function salesOfRounds(sql: Sql, numbers: number[]): Promise<Array<RoundSale & { roundNumber: number }>> {
  const sales = await repositoryOf(sql, RoundSaleEntity).find({
    where: { roundNumber: Any(numbers) },
    order: { roundNumber: 'ASC', productId: 'ASC' },
  });
  // bigint arrives as a string; a round's revenue stays far below 2^53 cents.
  return sales.map((s) => ({ ...s, revenueCents: Number(s.revenueCents) }));
}
