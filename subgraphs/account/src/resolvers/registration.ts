/** Customers register themselves; the operator gives each manufacturer its login. */
import { Role, requireRole } from '@distribution/auth';
import { isUuid, sqlOf } from '@distribution/db';
import { badUserInput, conflict } from '@distribution/errors';
import type { AccountContext } from '../context.js';
import { createAccount } from '../db/accounts.js';
import type { MutationCreateManufacturerLoginArgs, MutationRegisterCustomerArgs } from '../generated/resolvers-types.js';
import { checkedEmail, checkedName, passwordProblem } from '../domain/credentials.js';
import { hashPassword } from '../passwords.js';
import { issueSession, sessionFields } from '../sessions/issue.js';

/** The email and password, checked (BAD_USER_INPUT naming the field otherwise). */
function credentials(input: { email: string; password: string }): { email: string; password: string } {
  const email = checkedEmail(input.email);
  if (!email) throw badUserInput('email must be an email address', { field: 'email' });
  const problem = passwordProblem(input.password, email);
  if (problem) throw badUserInput(problem, { field: 'password' });
  return { email, password: input.password };
}

export const registrationResolvers = {
  Mutation: {
    registerCustomer: async (_: unknown, { input }: MutationRegisterCustomerArgs, ctx: AccountContext) => {
      const name = checkedName(input.name);
      if (!name) throw badUserInput('name must be 1 to 200 characters', { field: 'name' });
      const { email, password } = credentials(input);
      // Hashed before the transaction: it takes tens of milliseconds that no lock should wait for.
      const passwordHash = await hashPassword(password);
      const { settings } = ctx;
      return ctx.database.transaction(async (manager) => {
        const sql = sqlOf(manager);
        const account = await createAccount(sql, { email, passwordHash, role: Role.Customer, name });
        if (!account) throw conflict('A customer with this email is already registered', { field: 'email' });
        const session = await issueSession(sql, settings.keys, settings, account);
        ctx.customers.prime(account.subject, account);
        return { customer: account, token: session.accessToken, ...sessionFields(session) };
      });
    },

    createManufacturerLogin: async (_: unknown, { input }: MutationCreateManufacturerLoginArgs, ctx: AccountContext) => {
      requireRole(ctx.identity, Role.Operator);
      if (!isUuid(input.manufacturerId)) throw badUserInput('manufacturerId is not a valid id', { field: 'manufacturerId' });
      const { email, password } = credentials(input);
      const passwordHash = await hashPassword(password);
      const manufacturerId = input.manufacturerId.toLowerCase();
      const account = await createAccount(ctx.database, { email, passwordHash, role: Role.Manufacturer, name: email, subject: manufacturerId });
      if (!account) throw conflict('This email, or this manufacturer, already has a login', { field: 'email' });
      return { email: account.email, manufacturer: { __typename: 'Manufacturer' as const, id: manufacturerId } };
    },
  },
};
