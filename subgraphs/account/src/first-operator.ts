/** The first operator account: from OPERATOR_EMAIL / OPERATOR_PASSWORD on start, or `npm run account -- create-operator`. */
import { Role } from '@distribution/auth';
import type { ServiceDatabase, Sql } from '@distribution/db';
import { createAccount, hasOperator } from './db/accounts.js';
import { checkedEmail, checkedName, passwordProblem } from './domain/credentials.js';
import { hashPassword } from './passwords.js';
import type { FirstOperator } from './settings.js';

/** Why these operator credentials will not do, or null. */
export function operatorProblem(operator: FirstOperator): string | null {
  const email = checkedEmail(operator.email);
  if (!email) return `"${operator.email}" is not an email address`;
  if (operator.name !== undefined && !checkedName(operator.name)) return 'the name must be 1 to 200 characters';
  return passwordProblem(operator.password, email);
}

/** Creates an operator account; 'exists' when the email already has an account. Throws on bad credentials. */
export async function createOperator(sql: Sql, operator: FirstOperator): Promise<'created' | 'exists'> {
  const problem = operatorProblem(operator);
  if (problem) throw new Error(`Cannot create the operator: ${problem}`);
  const created = await createAccount(sql, {
    email: checkedEmail(operator.email)!,
    passwordHash: await hashPassword(operator.password),
    role: Role.Operator,
    name: checkedName(operator.name ?? '') ?? 'Operator',
  });
  return created ? 'created' : 'exists';
}

/** On start: the configured operator, only while there is no operator at all. */
export async function ensureFirstOperator(database: ServiceDatabase, operator: FirstOperator | undefined): Promise<'created' | 'exists' | 'skipped'> {
  if (!operator || (await hasOperator(database))) return 'skipped';
  return createOperator(database, operator);
}
