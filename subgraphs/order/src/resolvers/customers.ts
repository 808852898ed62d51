/** Customers: registration, `me`, the Customer entity and what it shows (cart, orders, purchases). */
import { Role, signToken } from '@distribution/auth';
import { badUserInput, conflict } from '@distribution/errors';
import type { OrderContext } from '../context.js';
import { assertMaySeeCustomer, requireCustomerRole } from '../access.js';
import { isUuid } from '@distribution/db';
import { registerCustomer } from '../db/customers.js';
import type { CustomerRecord, PurchaseRecord } from '../db/records.js';
import { orderConnection, type OrdersArgs } from './orders.js';

const MAX_NAME = 200;
const MAX_EMAIL = 254;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export const customerResolvers = {
  Query: {
    me: (_: unknown, __: unknown, ctx: OrderContext) => {
      const id = requireCustomerRole(ctx.identity);
      return isUuid(id) ? ctx.loaders.customers.load(id) : null;
    },
  },
  Mutation: {
    registerCustomer: async (_: unknown, { input }: { input: { name: string; email: string } }, ctx: OrderContext) => {
      const name = input.name.trim();
      const email = input.email.trim();
      if (name.length === 0 || name.length > MAX_NAME) throw badUserInput(`name must be 1 to ${MAX_NAME} characters`, { field: 'name' });
      if (email.length > MAX_EMAIL || !EMAIL.test(email)) throw badUserInput('email must be an email address', { field: 'email' });
      const customer = await registerCustomer(ctx.database, name, email);
      if (!customer) throw conflict('A customer with this email is already registered', { field: 'email' });
      ctx.loaders.customers.prime(customer.id, customer);
      const token = await signToken({ sub: customer.id, role: Role.Customer }, ctx.settings.jwtSecret);
      return { customer, token };
    },
  },
  Customer: {
    __resolveReference: (ref: { id: string }, ctx: OrderContext) => {
      assertMaySeeCustomer(ctx.identity, ref.id);
      return isUuid(ref.id) ? ctx.loaders.customers.load(ref.id.toLowerCase()) : null;
    },
    cart: (customer: CustomerRecord) => ({ customerId: customer.id }),
    orders: (customer: CustomerRecord, args: OrdersArgs, ctx: OrderContext) => orderConnection(ctx, args, customer.id),
    purchases: (customer: CustomerRecord, _: unknown, ctx: OrderContext): Promise<PurchaseRecord[]> => ctx.loaders.purchases.load(customer.id),
  },
};
