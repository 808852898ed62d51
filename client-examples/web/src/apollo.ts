/**
 * Apollo Client for the page: queries and mutations over HTTP, subscriptions over graphql-ws, both
 * to this page's own origin (the dev server or the test server proxies /graphql to the gateway), or
 * straight to the gateway named by VITE_GRAPHQL_URL at build time (its CORS_ORIGINS lists this page).
 */
import { ApolloClient, HttpLink, InMemoryCache, split } from '@apollo/client';
import { SetContextLink } from '@apollo/client/link/context';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { getMainDefinition } from '@apollo/client/utilities';
import { createClient } from 'graphql-ws';
import { POSSIBLE_TYPES } from '../../operations/possible-types';
import { getSession, onSessionChange } from './session';

/** Where GraphQL is: the gateway itself when the build names it, else /graphql on this page's origin. */
const GRAPHQL_URL = new URL(import.meta.env.VITE_GRAPHQL_URL || '/graphql', location.href);

function authorization(): Record<string, string> {
  const token = getSession()?.token;
  return token ? { authorization: `Bearer ${token}` } : {};
}

export function createApolloClient(): ApolloClient {
  const http = new SetContextLink((previous) => ({ headers: { ...previous.headers, ...authorization() } })).concat(new HttpLink({ uri: GRAPHQL_URL.href }));
  const wsUrl = `${GRAPHQL_URL.protocol === 'https:' ? 'wss' : 'ws'}://${GRAPHQL_URL.host}${GRAPHQL_URL.pathname}`;
  const ws = createClient({
    url: wsUrl,
    // Read at every (re)connection, so a sign-in takes effect on the next socket.
    connectionParams: () => authorization(),
    lazy: true,
    retryAttempts: 20,
    shouldRetry: () => true,
  });
  const link = split(({ query }) => {
    const definition = getMainDefinition(query);
    return definition.kind === 'OperationDefinition' && definition.operation === 'subscription';
  }, new GraphQLWsLink(ws), http);

  const client = new ApolloClient({
    link,
    cache: new InMemoryCache({
      possibleTypes: POSSIBLE_TYPES,
      typePolicies: {
        // Stock has no id of its own: it belongs to its product, and live events update it in place.
        Product: { fields: { stock: { merge: true } } },
        Customer: { fields: { cart: { merge: false } } },
        DistributionRound: { keyFields: ['number'] },
      },
    }),
  });
  onSessionChange(() => {
    // A new identity: reconnect the socket with the new token and forget what the last one could see.
    ws.terminate();
    void client.resetStore();
  });
  return client;
}
