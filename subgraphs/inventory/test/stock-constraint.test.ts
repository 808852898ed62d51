/**
 * The database's last word on overselling: `stock_never_oversold` (0 <= reserved <= on_hand)
 * refuses a stock row that a defective writer would leave oversold, and the transaction that
 * tried it (its ledger rows and events with it) is rolled back whole. The domain never asks for
 * such a row (the property tests say so); this checks the net under it, through the same
 * statements the service writes stock with. TESTING.md lists the protection each test stands for.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, openServiceDatabase, sqlOf, type ServiceDatabase } from '@distribution/db';
import type { DomainEvent } from '@distribution/events';
import { createTestDatabase } from '@distribution/testkit';
import { applyManufacturerBatch } from '../src/events/manufacturer-events.js';
import { openNextRound } from '../src/rounds/open-round.js';
import { lockStock, updateStock, upsertStock } from '../src/db/stock.js';
import { migrations } from '../src/db/migrations/index.js';
import { entities } from '../src/db/entities/index.js';
import { checkOptions, type InventoryDeps } from '../src/settings.js';
import { product, quietLogger, stockRow, supplyChanged } from './support/harness.js';

describe('the stock table refuses an oversold row, whoever writes it', () => {
  let db: ServiceDatabase;
  const deps: InventoryDeps = { ...checkOptions({ roundPeriod: 'PT1H' }), logger: quietLogger() };
  const item = product();

  const delivered = (event: ReturnType<typeof supplyChanged>): DomainEvent<'SupplyChanged'> => ({
    id: randomUUID(),
    type: event.type,
    version: event.version,
    payload: event.payload,
    source: 'manufacturer',
    occurredAt: new Date().toISOString(),
    position: 0,
  });

  beforeAll(async () => {
    db = await openServiceDatabase({ url: await createTestDatabase('inv_stock_check'), schema: 'inventory', migrations, entities });
    await migrate(db);
    await db.transaction((m) => applyManufacturerBatch(sqlOf(m), [delivered(supplyChanged(item, 10, 10, 'CREATED'))], deps));
    await openNextRound(db, deps);
  });
  afterAll(async () => db?.close());

  /** Writes `change` over the locked row in one transaction, with a ledger-like side write that must roll back with it. */
  async function writeDefective(change: { onHand?: number; reserved?: number }, write = updateStock) {
    return db.transaction(async (m) => {
      const sql = sqlOf(m);
      const [row] = await lockStock(sql, [item.productId], deps.defaultThreshold);
      await sql.query(`UPDATE product SET category = 'touched' WHERE id = $1`, [item.productId]);
      await write(sql, [{ ...row!, ...change }]);
    });
  }

  const refusal = { driverError: expect.objectContaining({ code: '23514', constraint: 'stock_never_oversold' }) };

  it('starts from a whole row: 10 on hand, none reserved', async () => {
    expect(await stockRow(db, item.productId)).toMatchObject({ on_hand: 10, reserved: 0 });
  });

  it('refuses more reserved than on hand, and keeps the row and everything else the transaction wrote as it was', async () => {
    await expect(writeDefective({ reserved: 11 })).rejects.toMatchObject(refusal);
    expect(await stockRow(db, item.productId)).toMatchObject({ on_hand: 10, reserved: 0 });
    expect(await db.query('SELECT category FROM product WHERE id = $1', [item.productId])).not.toEqual([{ category: 'touched' }]);
  });

  it('refuses taking units off the shelf that are promised to orders', async () => {
    await writeDefective({ reserved: 6 });
    await expect(writeDefective({ onHand: 5 })).rejects.toMatchObject(refusal);
    expect(await stockRow(db, item.productId)).toMatchObject({ on_hand: 10, reserved: 6 });
  });

  it('refuses a negative reservation, also through the upsert that opens rounds', async () => {
    await expect(writeDefective({ reserved: -1 }, upsertStock)).rejects.toMatchObject(refusal);
    await expect(writeDefective({ reserved: 11 }, upsertStock)).rejects.toMatchObject(refusal);
    expect(await stockRow(db, item.productId)).toMatchObject({ on_hand: 10, reserved: 6 });
  });
});
