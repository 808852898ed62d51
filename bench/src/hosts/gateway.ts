/**
 * Child process: ONE gateway under test, in front of the subgraph host.
 *   ours         startGateway() from gateway/src/server.ts, as `npm start` runs it (log level warn)
 *   apollo       a plain ApolloServer + ApolloGateway with default settings, plus a data source that
 *                adds the internal credential and identity headers our subgraphs require
 *   hive         Hive Gateway (@graphql-hive/gateway-runtime), default runtime
 *   hive-router  Hive Gateway with the Hive Router runtime (Rust query planner): its fastest mode
 * Every gateway verifies the caller's JWT and forwards the same identity headers.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { DEVELOPMENT_DEFAULTS } from '@distribution/config';
import { createTokenVerifier, identityToHeaders, type Identity } from '@distribution/auth';
import { benchKeys } from '../signing.js';
import { createLogger } from '@distribution/logging';
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { memoryNow, serveChild } from '../processes.js';

export type GatewayKind = 'ours' | 'apollo' | 'hive' | 'hive-router';

export interface GatewayHostSettings {
  kind: GatewayKind;
  supergraphPath: string;
  subgraphs: { manufacturer: string; inventory: string; order: string; account: string };
}

export interface GatewayHostInfo {
  kind: GatewayKind;
  url: string;
  pid: number;
  version: string;
}

const settings = JSON.parse(process.env.BENCH_GATEWAY ?? '{}') as GatewayHostSettings;
const credential = DEVELOPMENT_DEFAULTS.internalCredential;

/** The supergraph with its routing URLs pointed at the subgraph host (what our gateway does through its config). */
function supergraphFor(subgraphs: GatewayHostSettings['subgraphs']): string {
  return readFileSync(settings.supergraphPath, 'utf8').replace(/@join__graph\(name: "(\w+)", url: "[^"]*"\)/g, (whole, name: string) =>
    name in subgraphs ? `@join__graph(name: "${name}", url: "${subgraphs[name as keyof typeof subgraphs]}")` : whole,
  );
}

async function packageVersion(name: string): Promise<string> {
  const { createRequire } = await import('node:module');
  const require = createRequire(import.meta.url);
  try {
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

async function startOurs() {
  const { startGateway } = await import('@distribution/gateway');
  // Traced when the run's environment says so (OTEL_TRACES_EXPORTER, bench/README.md "Tracing off and on"); never the other gateways.
  const { startTracing } = await import('@distribution/tracing');
  startTracing('gateway');
  const gateway = await startGateway(
    {
      port: 0,
      internalCredential: credential,
      manufacturerUrl: settings.subgraphs.manufacturer,
      inventoryUrl: settings.subgraphs.inventory,
      orderUrl: settings.subgraphs.order,
      // Verifies through the account service's JWKS, as in production.
      accountUrl: settings.subgraphs.account,
      supergraphPath: settings.supergraphPath,
      maxConnections: 10_000,
      maxSubscriptionsPerConnection: 50,
      // Every bench client comes from this machine's one address: per-address limits would be the bottleneck measured.
      maxConnectionsPerAddress: 100_000,
      rateLimits: {
        accountPerAddress: { points: 100_000, durationSeconds: 1 },
        accountPerIdentity: { points: 100_000, durationSeconds: 1 },
        connectionsPerAddress: { points: 100_000, durationSeconds: 1 },
      },
    },
    { logger: createLogger('gateway', 'warn') },
  );
  return { url: gateway.url.replace('localhost', '127.0.0.1'), version: 'workspace', stop: () => gateway.stop() };
}

/**
 * The bench's glue for the gateways we compare with: caller -> identity headers. Verified once per
 * distinct Authorization value (the bench uses a handful), so that the figures are the gateway's
 * work rather than our JWT library's; our gateway caches its verifications the same way.
 */
async function identityVerifier(): Promise<(authorization: string | null | undefined) => Promise<Identity | null>> {
  const verify = createTokenVerifier({ jwks: (await benchKeys()).publicKeySet() });
  const known = new Map<string, Promise<Identity | null>>();
  return (authorization) => {
    if (!authorization) return Promise.resolve(null);
    let identity = known.get(authorization);
    if (!identity) {
      if (known.size > 10_000) known.clear();
      known.set(authorization, (identity = verify(authorization)));
    }
    return identity;
  };
}

async function startApollo() {
  const { ApolloServer } = await import('@apollo/server');
  const { startStandaloneServer } = await import('@apollo/server/standalone');
  const { ApolloGateway, RemoteGraphQLDataSource } = await import('@apollo/gateway');
  const verify = await identityVerifier();
  type Context = { identity: Identity | null };
  class WithIdentity extends RemoteGraphQLDataSource<Context> {
    override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<Context>) {
      const identity = (context as Partial<Context> | undefined)?.identity ?? null;
      for (const [name, value] of Object.entries(identityToHeaders(identity, credential))) request.http!.headers.set(name, value);
    }
  }
  const server = new ApolloServer<Context>({
    gateway: new ApolloGateway({ supergraphSdl: supergraphFor(settings.subgraphs), buildService: ({ url }) => new WithIdentity({ url }) }),
  });
  const { url } = await startStandaloneServer(server, {
    listen: { port: 0, host: '127.0.0.1' },
    context: async ({ req }) => ({ identity: await verify(req.headers.authorization) }),
  });
  return { url, version: await packageVersion('@apollo/gateway'), stop: () => server.stop() };
}

async function startHive(router: boolean) {
  const { createGatewayRuntime } = await import('@graphql-hive/gateway');
  const verify = await identityVerifier();
  const identityOf = (request: Request) => verify(request.headers.get('authorization'));
  const gateway = createGatewayRuntime({
    supergraph: supergraphFor(settings.subgraphs),
    logging: 'warn',
    propagateHeaders: {
      fromClientToSubgraphs: async ({ request }) => identityToHeaders(await identityOf(request), credential),
    },
    ...(router ? { unifiedGraphHandler: (await import('@graphql-hive/router-runtime')).unifiedGraphHandler } : {}),
  });
  const server = createServer((request, response) => void gateway(request, response));
  const port = await listen(server);
  const version = `${await packageVersion('@graphql-hive/gateway')}${router ? ` + router-runtime ${await packageVersion('@graphql-hive/router-runtime')}` : ''}`;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    version,
    stop: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await gateway.dispose();
    },
  };
}

await serveChild<GatewayHostInfo>(async () => {
  const started = settings.kind === 'ours' ? await startOurs() : settings.kind === 'apollo' ? await startApollo() : await startHive(settings.kind === 'hive-router');
  return {
    info: { kind: settings.kind, url: started.url, pid: process.pid, version: started.version },
    handlers: { memory: () => memoryNow() },
    stop: started.stop,
  };
});
