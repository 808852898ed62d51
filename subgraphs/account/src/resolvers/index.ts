/** Every resolver of the account subgraph. */
import { customerResolvers } from './customers.js';
import { registrationResolvers } from './registration.js';
import { sessionResolvers } from './sessions.js';

export const resolvers = {
  Query: { ...customerResolvers.Query },
  Mutation: { ...registrationResolvers.Mutation, ...sessionResolvers.Mutation },
  Customer: customerResolvers.Customer,
};
