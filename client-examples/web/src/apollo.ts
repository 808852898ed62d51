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
import possibleTypes from '../../operations/generated/possible-types';
import { GRAPHQL_URL } from './endpoint';
import { freshAccessToken, getSession, onSessionChange } from './session';

/** The Authorization header for the next request, with a token refreshed when it was about to run out. */
async function authorization(): Promise<Record<string, string>> {
  const token = await freshAccessToken();
  return token ? { authorization: `Bearer ${token}` } : {};
}

export function createApolloClient(): ApolloClient {
  const http = new SetContextLink(async (previous) => ({ headers: { ...previous.headers, ...(await authorization()) } })).concat(new HttpLink({ uri: GRAPHQL_URL.href }));
  const wsUrl = `${GRAPHQL_URL.protocol === 'https:' ? 'wss' : 'ws'}://${GRAPHQL_URL.host}${GRAPHQL_URL.pathname}`;
  const ws = createClient({
    url: wsUrl,
    // Read at every (re)connection: a sign-in takes effect on the next socket, and when the gateway
    // closes this one because its token ran out (4403, retried), it comes back with a fresh token
    // and graphql-ws subscribes again to everything the page was following.
    connectionParams: () => authorization(),
    lazy: true,
    retryAttempts: 20,
    shouldRetry: () => true,
  });
  const link = split(
    ({ query }) => {
      const definition = getMainDefinition(query);
      return definition.kind === 'OperationDefinition' && definition.operation === 'subscription';
    },
    new GraphQLWsLink(ws),
    http,
  );

  const client = new ApolloClient({
    link,
    cache: new InMemoryCache({
      possibleTypes: possibleTypes.possibleTypes,
      typePolicies: {
        // Stock has no id of its own: it belongs to its product, and live events update it in place.
        Product: { fields: { stock: { merge: true } } },
        Customer: { fields: { cart: { merge: false } } },
        DistributionRound: { keyFields: ['number'] },
      },
    }),
  });
  let accountId = getSession()?.accountId;
  onSessionChange(() => {
    // A refreshed token is the same account: nothing to redo. A new identity (sign-in, sign-out):
    // reconnect the socket with the new token and forget what the last one could see.
    if (getSession()?.accountId === accountId) return;
    accountId = getSession()?.accountId;
    ws.terminate();
    // Signed in: read everything again as the new account; signed out: just forget. Queries of
    // components that unmount meanwhile are aborted, which is no failure.
    (accountId ? client.resetStore() : client.clearStore()).catch(() => undefined);
  });
  return client;
}
