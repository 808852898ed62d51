/** Every resolver of the account subgraph. */
import { customerResolvers } from './customers.js';
import { registrationResolvers } from './registration.js';
import { sessionResolvers } from './sessions.js';
import type { Resolvers } from '../generated/resolvers-types.js';

/** Checked against the types generated from schema.graphql (npm run codegen). */
export const resolvers: Resolvers = {
  Query: { ...customerResolvers.Query },
  Mutation: { ...registrationResolvers.Mutation, ...sessionResolvers.Mutation },
  Customer: customerResolvers.Customer,
};
