/**
 * Catalog changes. Each one checks the caller, then the input, then the product, inside one
 * transaction that also records its SupplyChanged event: a refused change leaves nothing behind.
 */
import { Role, requireRole, type Identity } from '@distribution/auth';
import { badUserInput, conflict, forbidden, notFound } from '@distribution/errors';
import { isUuid, sqlOf } from '@distribution/db';
import { recordEvents } from '@distribution/events';
import type { GraphQLError } from 'graphql';
import type { ManufacturerContext } from '../context.js';
import { mayChangeProductsOf, ownerOfNewProduct, ownerRestriction, requireCatalogEditor, requireProductOwner } from '../domain/access.js';
import {
  MAX_SUPPLY,
  supplyAfterProductionFits,
  validCategory,
  validInitialSupply,
  validName,
  validProductChanges,
  validProductionQuantity,
  validSku,
  validUnitPrice,
} from '../domain/catalog.js';
import { insertManufacturer, manufacturerExists } from '../db/manufacturers.js';
import { addProducedUnits, changeProduct, insertProduct, lockProduct, markDiscontinued, productsByIds, recordSupplyMovements } from '../db/products.js';
import type { Product } from '../db/records.js';
import { supplyChanged } from '../events/payloads.js';
import type {
  MutationCreateProductArgs,
  MutationDiscontinueProductArgs,
  MutationProduceArgs,
  MutationRegisterManufacturerArgs,
  MutationUpdateProductArgs,
} from '../generated/resolvers-types.js';

/** Later fields of this request see the product as the mutation left it. */
function remember(ctx: ManufacturerContext, product: Product): Product {
  ctx.loaders.productById.clear(product.id).prime(product.id, product);
  return product;
}

/** Why an atomic production UPDATE touched no row. */
function productionRefusal(product: Product | undefined, editor: Identity, id: string, quantity: number): GraphQLError {
  if (!product) return notFound('Product', id);
  if (!mayChangeProductsOf(editor, product.manufacturerId)) return forbidden('A manufacturer changes only its own products');
  if (product.discontinued) return badUserInput('A discontinued product cannot be produced', { field: 'productId' });
  if (!supplyAfterProductionFits(product.supply, quantity)) return badUserInput(`Supply cannot exceed ${MAX_SUPPLY} units`, { field: 'quantity' });
  // The row changed between the UPDATE and this look (e.g. discontinued meanwhile): let the client retry.
  return conflict('The product changed while producing; try again');
}

export const Mutation = {
  async registerManufacturer(_: unknown, { input }: MutationRegisterManufacturerArgs, ctx: ManufacturerContext) {
    requireRole(ctx.identity, Role.Operator);
    const name = validName(input.name);
    const manufacturer = await insertManufacturer(ctx.database, name);
    if (!manufacturer) throw conflict(`A manufacturer named "${name}" already exists`, { field: 'name' });
    ctx.loaders.manufacturerById.prime(manufacturer.id, manufacturer);
    return manufacturer;
  },

  async createProduct(_: unknown, { input }: MutationCreateProductArgs, ctx: ManufacturerContext) {
    const editor = requireCatalogEditor(ctx.identity);
    const manufacturerId = ownerOfNewProduct(editor, input.manufacturerId);
    const fields = {
      sku: validSku(input.sku),
      name: validName(input.name),
      category: validCategory(input.category),
      unitPriceCents: validUnitPrice(input.unitPrice),
      supply: validInitialSupply(input.initialSupply),
    };
    if (!isUuid(manufacturerId)) throw notFound('Manufacturer', manufacturerId);
    const product = await ctx.database.transaction(async (manager) => {
      const m = sqlOf(manager);
      if (!(await manufacturerExists(m, manufacturerId))) throw notFound('Manufacturer', manufacturerId);
      const created = await insertProduct(m, { manufacturerId: manufacturerId.toLowerCase(), ...fields });
      if (!created) throw conflict(`This manufacturer already has a product with SKU "${fields.sku}"`, { field: 'sku' });
      if (created.supply > 0) {
        await recordSupplyMovements(m, [{ productId: created.id, delta: created.supply, supplyAfter: created.supply, reason: 'CREATED' }]);
      }
      await recordEvents(m, ctx.database.schema, [supplyChanged(created, created.supply, 'CREATED')]);
      return created;
    });
    return remember(ctx, product);
  },

  async updateProduct(_: unknown, { id, input }: MutationUpdateProductArgs, ctx: ManufacturerContext) {
    const editor = requireCatalogEditor(ctx.identity);
    const changes = validProductChanges(input);
    if (!isUuid(id)) throw notFound('Product', id);
    const product = await ctx.database.transaction(async (manager) => {
      const m = sqlOf(manager);
      const current = await lockProduct(m, id);
      if (!current) throw notFound('Product', id);
      requireProductOwner(editor, current.manufacturerId);
      if (current.discontinued) throw badUserInput('A discontinued product can no longer be changed', { field: 'id' });
      const updated = await changeProduct(m, current.id, changes);
      await recordEvents(m, ctx.database.schema, [supplyChanged(updated, 0, 'UPDATED')]);
      return updated;
    });
    return remember(ctx, product);
  },

  async discontinueProduct(_: unknown, { id }: MutationDiscontinueProductArgs, ctx: ManufacturerContext) {
    const editor = requireCatalogEditor(ctx.identity);
    if (!isUuid(id)) throw notFound('Product', id);
    const product = await ctx.database.transaction(async (manager) => {
      const m = sqlOf(manager);
      const current = await lockProduct(m, id);
      if (!current) throw notFound('Product', id);
      requireProductOwner(editor, current.manufacturerId);
      // Already discontinued: nothing changes and nothing is announced again.
      if (current.discontinued) return current;
      const discontinued = await markDiscontinued(m, current.id);
      await recordEvents(m, ctx.database.schema, [supplyChanged(discontinued, 0, 'DISCONTINUED')]);
      return discontinued;
    });
    return remember(ctx, product);
  },

  async produce(_: unknown, { productId, quantity }: MutationProduceArgs, ctx: ManufacturerContext) {
    const editor = requireCatalogEditor(ctx.identity);
    const units = validProductionQuantity(quantity);
    if (!isUuid(productId)) throw notFound('Product', productId);
    const owner = ownerRestriction(editor);
    const product = await ctx.database.transaction(async (manager) => {
      const m = sqlOf(manager);
      // One atomic UPDATE: concurrent production runs queue on the row lock and none is lost.
      const produced = await addProducedUnits(m, productId, units, owner, MAX_SUPPLY);
      if (!produced) throw productionRefusal((await productsByIds(m, [productId]))[0], editor, productId, units);
      await recordSupplyMovements(m, [{ productId: produced.id, delta: units, supplyAfter: produced.supply, reason: 'PRODUCED' }]);
      await recordEvents(m, ctx.database.schema, [supplyChanged(produced, units, 'PRODUCED')]);
      return produced;
    });
    return remember(ctx, product);
  },
};
