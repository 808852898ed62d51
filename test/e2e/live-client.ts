/** End-to-end live subscriptions: the shared test client, connected to the gateway as a browser or a Node client does (token in connectionParams). */
import { liveClient, type LiveClient } from '@distribution/testkit';

export type { LiveClient };

/** A graphql-ws connection to the gateway at `gatewayUrl` (its HTTP GraphQL URL), signed in with `token` (anonymous without). */
export function gatewayLiveClient(gatewayUrl: string, token?: string): LiveClient {
  return liveClient(gatewayUrl, token ? { authorization: `Bearer ${token}` } : {});
}
