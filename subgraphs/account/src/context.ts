/** What the account service's resolvers work with, per request. */
import DataLoader from 'dataloader';
import type { ServiceDatabase } from '@distribution/db';
import type { RequestContext, ServiceRuntime } from '@distribution/server';
import { customersByIds, type AccountRecord } from './db/accounts.js';
import type { AccountSettings } from './settings.js';

export interface AccountContext extends RequestContext {
  database: ServiceDatabase;
  settings: AccountSettings;
  /** Customer accounts by customer id, one `= ANY($1)` per batch of `_entities`. */
  customers: DataLoader<string, AccountRecord | null>;
}

export function createAccountContext(base: RequestContext, runtime: ServiceRuntime, settings: AccountSettings): AccountContext {
  return {
    ...base,
    database: runtime.database,
    settings,
    customers: new DataLoader(async (ids) => {
      const found = new Map((await customersByIds(runtime.database, ids)).map((row) => [row.subject, row]));
      return ids.map((id) => found.get(id) ?? null);
    }),
  };
}
