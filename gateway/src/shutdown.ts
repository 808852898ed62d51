/**
 * Internal to the gateway: the order in which a gateway starts listening and stops. Stopping
 * clears readiness, hands new requests to Apollo Server's answer for a stopping server, drains
 * HTTP (Apollo Server's drain plugin), then subscriptions and rate limits, then the metrics server.
 */
import type { Server as HttpServer } from 'node:http';
import type { ApolloServer, ApolloServerPlugin } from '@apollo/server';
import { startMetricsServer, type RunningMetricsServer } from '@distribution/server';
import type { GatewayContext } from './context.js';
import type { RateLimits } from './rate-limits/index.js';
import type { SubscriptionEndpoint } from './subscriptions/index.js';
import type { Registry } from 'prom-client';
import type { GatewayParts } from './wiring.js';
import type { Readiness } from './routes.js';

/** Closes subscriptions and rate limits when Apollo Server drains (after its HTTP drain). */
export function drainOnStop(subscriptions: SubscriptionEndpoint, rateLimits: RateLimits): ApolloServerPlugin<GatewayContext> {
  return {
    async serverWillStart() {
      return {
        drainServer: async () => {
          await subscriptions.close();
          await rateLimits.close();
        },
      };
    },
  };
}

/**
 * Listens on `port`, then starts the metrics server (a port of its own, which a deployment does
 * not publish: the public port has no /metrics; `null` serves none). Either failing stops Apollo Server.
 */
export async function listen(
  httpServer: HttpServer,
  port: number,
  metricsPort: number | null | undefined,
  registry: Registry | null,
  apollo: ApolloServer<GatewayContext>,
): Promise<RunningMetricsServer | undefined> {
  try {
    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(port, () => {
        httpServer.off('error', reject);
        resolve();
      });
    });
    return metricsPort !== null && registry ? await startMetricsServer({ port: metricsPort ?? 0, registry }) : undefined;
  } catch (error) {
    await apollo.stop();
    throw error;
  }
}

/** The gateway's stop(): runs once, however often it is called. */
export function stopper(parts: GatewayParts, readiness: Readiness, apollo: ApolloServer<GatewayContext>, metrics: RunningMetricsServer | undefined): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  return () =>
    (stopping ??= (async () => {
      readiness.ready = false;
      // Requests from now on get Apollo Server's answer for a stopping server.
      parts.stopped = true;
      if (parts.fastPath) parts.fastPath.enabled = false;
      await apollo.stop();
      await metrics?.stop();
    })());
}
