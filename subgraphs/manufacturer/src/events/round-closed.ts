/**
 * Consumer `manufacturer.settlements`: books each RoundClosed once per manufacturer — a
 * Settlement with its lines, supply reduced by the units sold — and announces it with
 * SupplyChanged (SETTLED) per product and then SettlementApplied, all in the bus's transaction,
 * where it also notifies the manufacturer's live notices (SETTLED), delivered at commit.
 */
import { sqlOf, type EntityManager, type Sql } from '@distribution/db';
import { EventType, type RoundClosedV1 } from '@distribution/contracts';
import { recordEvents, type DomainEvent, type EventTransport, type NewEvent } from '@distribution/events';
import type { Logger } from '@distribution/logging';
import { insertSettlement, lockProducts, setSupplies } from '../db/settlements.js';
import { recordSupplyMovements, type SupplyMovement } from '../db/products.js';
import { MalformedRoundClosed, misattributedSales, planSettlements, supplyAfterSale } from '../domain/settlement.js';
import { settlementApplied, supplyChanged } from './payloads.js';
import { announceNotices, type Notice } from '../live/notices.js';

export const SETTLEMENT_CONSUMER = 'manufacturer.settlements';

export interface SettlementDependencies {
  /** This service's schema, where its outbox is. */
  schema: string;
  logger: Logger;
}

export function registerSettlementConsumer(bus: EventTransport, deps: SettlementDependencies): void {
  bus.consume(SETTLEMENT_CONSUMER, { [EventType.RoundClosed]: [1] }, (events, manager) => applyRoundClosed(events, manager, deps));
}

/** Applies a batch of RoundClosed events inside `manager`'s transaction; applying one twice changes nothing. */
export async function applyRoundClosed(events: Array<DomainEvent<'RoundClosed'>>, manager: EntityManager, deps: SettlementDependencies): Promise<void> {
  for (const event of events) await settleRound(sqlOf(manager), event.payload, deps);
}

async function settleRound(sql: Sql, round: RoundClosedV1, { schema, logger }: SettlementDependencies): Promise<void> {
  const plans = planSettlements(round.sales);
  if (plans.length === 0) return;
  const productIds = [...new Set(plans.flatMap((plan) => plan.lines.map((line) => line.productId)))];
  const products = new Map((await lockProducts(sql, productIds)).map((p) => [p.id, p]));
  const problems = misattributedSales(plans, new Map([...products.values()].map((p) => [p.id, p.manufacturerId])));
  if (problems.length) throw new MalformedRoundClosed(`round ${round.roundNumber}: ${problems.join('; ')}`);

  const supplies: Array<{ productId: string; supply: number }> = [];
  const movements: SupplyMovement[] = [];
  const events: NewEvent[] = [];
  const notices: Notice[] = [];
  for (const plan of plans) {
    const settlementId = await insertSettlement(sql, round.roundNumber, plan);
    if (!settlementId) {
      logger.info({ roundNumber: round.roundNumber, manufacturerId: plan.manufacturerId }, 'round already settled for this manufacturer; ignoring the repeat');
      continue;
    }
    for (const line of plan.lines) {
      const product = products.get(line.productId)!;
      const after = supplyAfterSale(product.supply, line.unitsSold);
      if (after.shortfall > 0) {
        // Inventory sold more than this manufacturer ever offered: a bug elsewhere, never hidden.
        logger.warn(
          {
            roundNumber: round.roundNumber,
            manufacturerId: plan.manufacturerId,
            productId: product.id,
            supplyBefore: product.supply,
            unitsSold: line.unitsSold,
            shortfall: after.shortfall,
          },
          'settlement sold more units than the supply; supply clamped to 0',
        );
      }
      supplies.push({ productId: product.id, supply: after.supply });
      if (after.delta !== 0) movements.push({ productId: product.id, delta: after.delta, supplyAfter: after.supply, reason: 'SETTLED', roundNumber: round.roundNumber });
      events.push(supplyChanged({ ...product, supply: after.supply }, after.delta, 'SETTLED'));
    }
    events.push(settlementApplied(round.roundNumber, settlementId, plan));
    notices.push({
      kind: 'SETTLED',
      manufacturerId: plan.manufacturerId,
      productId: null,
      quantity: plan.unitsSold,
      roundNumber: round.roundNumber,
      settlementId,
      at: new Date().toISOString(),
    });
    logger.info({ roundNumber: round.roundNumber, manufacturerId: plan.manufacturerId, settlementId, unitsSold: plan.unitsSold }, 'settlement applied');
  }
  await setSupplies(sql, supplies);
  await recordSupplyMovements(sql, movements);
  await recordEvents(sql, schema, events);
  await announceNotices(sql, notices);
}
