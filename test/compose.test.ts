// The container deployment agrees with what each service's configuration demands.
import { describe, it, expect } from 'vitest';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { parse } from 'yaml';
import { ConfigError, DEVELOPMENT_DEFAULTS } from '@distribution/config';
import * as manufacturer from '../subgraphs/manufacturer/src/config.js';
import * as inventory from '../subgraphs/inventory/src/config.js';
import * as order from '../subgraphs/order/src/config.js';
import * as account from '../subgraphs/account/src/config.js';
import * as gateway from '../gateway/src/config.js';
import { formatSigningKeys, generateSigningKey } from '@distribution/auth';

const root = fileURLToPath(new URL('..', import.meta.url));

interface ComposeService {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  environment?: Record<string, string | number | boolean | null> | string[];
  healthcheck?: { test?: string | string[] };
  depends_on?: string[] | Record<string, { condition?: string }>;
  ports?: Array<string | number | { published?: string | number; target?: number }>;
  expose?: Array<string | number>;
  deploy?: { replicas?: number };
  labels?: Record<string, string>;
  command?: string | string[];
  volumes?: string[];
}

const compose = parse(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8')) as { services: Record<string, ComposeService> };

const apps = [
  { name: 'manufacturer', folder: 'subgraphs/manufacturer', config: manufacturer },
  { name: 'inventory', folder: 'subgraphs/inventory', config: inventory },
  { name: 'order', folder: 'subgraphs/order', config: order },
  { name: 'account', folder: 'subgraphs/account', config: account },
  { name: 'gateway', folder: 'gateway', config: gateway },
];
// Made at run time, as an operator makes it (`npm run account -- new-signing-key`).
const signingKeys = formatSigningKeys([await generateSigningKey()]);
const subgraphs = apps.filter((app) => app.name !== 'gateway');

/** Compose accepts `environment` as a map or as a list of NAME=value. */
function variableNames(service: ComposeService): string[] {
  const environment = service.environment ?? {};
  return Array.isArray(environment) ? environment.map((entry) => entry.split('=')[0]) : Object.keys(environment);
}

function dependencies(service: ComposeService): Record<string, { condition?: string }> {
  const dependsOn = service.depends_on ?? {};
  return Array.isArray(dependsOn) ? Object.fromEntries(dependsOn.map((name) => [name, {}])) : dependsOn;
}

function dockerfileOf(service: ComposeService): string {
  const build = typeof service.build === 'string' ? { context: service.build } : service.build!;
  return path.join(root, build.context ?? '.', build.dockerfile ?? 'Dockerfile');
}

/** The ConfigError's problems, or a failure when nothing was thrown. */
function problemsOf(load: () => unknown): string[] {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

/** Every workspace manifest, as the Dockerfiles must copy them before `npm ci`. */
const workspaceManifests = ['packages', 'subgraphs']
  .flatMap((dir) => readdirSync(path.join(root, dir)).map((name) => `${dir}/${name}/package.json`))
  .concat('gateway/package.json')
  .filter((manifest) => existsSync(path.join(root, manifest)));

describe('docker-compose.yml', () => {
  it('runs postgres with a healthcheck', () => {
    expect(compose.services.postgres?.healthcheck?.test).toBeTruthy();
  });

  describe.each(apps)('the $name service', ({ name, folder, config }) => {
    const service = compose.services[name];

    it('is built from its own multi-stage Dockerfile, or names an image', () => {
      expect(service).toBeDefined();
      if (service.image && !service.build) return;
      const dockerfile = dockerfileOf(service);
      expect(path.relative(root, dockerfile)).toBe(`${folder}/Dockerfile`);
      expect(existsSync(dockerfile)).toBe(true);
      const text = readFileSync(dockerfile, 'utf8');
      expect(text.match(/^FROM\s/gim)?.length ?? 0).toBeGreaterThanOrEqual(2);
      // npm ci needs every workspace named in package-lock.json to have its manifest.
      for (const manifest of workspaceManifests) expect(text, `${folder}/Dockerfile copies ${manifest}`).toContain(manifest);
    });

    it('has a healthcheck on /readyz at its port', () => {
      const test = service.healthcheck?.test;
      expect(test).toBeTruthy();
      const command = Array.isArray(test) ? test.join(' ') : String(test);
      expect(command).toContain(`localhost:${config.loadServiceConfig({}).port}/readyz`);
    });

    it('sets every variable production requires, in production mode', () => {
      const names = variableNames(service);
      for (const variable of config.productionVariables) expect(names, `${name} sets ${variable}`).toContain(variable);
      expect(names).toContain('NODE_ENV');
      expect((service.environment as Record<string, unknown>).NODE_ENV).toBe('production');
    });
  });

  it('starts the subgraphs once postgres is healthy', () => {
    for (const { name } of subgraphs) {
      expect(dependencies(compose.services[name]).postgres?.condition, name).toBe('service_healthy');
    }
  });

  it('starts the gateway once every subgraph is healthy; only Traefik publishes :4000, and ops pages only on 127.0.0.1', () => {
    const dependsOn = dependencies(compose.services.gateway);
    for (const { name } of subgraphs) expect(dependsOn[name]?.condition, name).toBe('service_healthy');
    expect(compose.services.traefik?.ports?.map(String)).toContain('4000:4000');
    // Two gateway replicas cannot share a host port: Traefik is the one entry.
    for (const { name } of apps) expect(compose.services[name].ports, name).toBeUndefined();
    for (const [name, service] of Object.entries(compose.services)) {
      if (name === 'traefik') continue;
      for (const port of service.ports ?? []) expect(String(port), name).toMatch(/^127\.0\.0\.1:/);
    }
    const others = (compose.services.traefik?.ports ?? []).map(String).filter((port) => port !== '4000:4000');
    for (const port of others) expect(port).toMatch(/^127\.0\.0\.1:/);
  });

  it('runs two replicas of each subgraph and of the gateway, the gateways behind Traefik', () => {
    for (const { name } of apps) expect(compose.services[name].deploy?.replicas, name).toBe(2);
    const labels = compose.services.gateway.labels ?? {};
    expect(labels['traefik.enable']).toBe('true');
    expect(labels['traefik.http.services.gateway.loadbalancer.server.port']).toBe('4000');
    expect(labels['traefik.http.services.gateway.loadbalancer.healthcheck.path']).toBe('/readyz');
    expect(compose.services.traefik?.command).toContain('--providers.docker.exposedByDefault=false');
  });

  it.each(['manufacturer', 'inventory', 'order', 'account', 'gateway'])('keeps the %s metrics port on the compose network: exposed, never published', (name) => {
    const service = compose.services[name];
    const metricsPort = String((service.environment as Record<string, unknown>).METRICS_PORT);
    expect(metricsPort).toMatch(/^\d+$/);
    expect(service.expose?.map(String)).toContain(metricsPort);
    expect(service.ports).toBeUndefined();
  });

  it('keeps the database, Prometheus and Grafana data in volumes', () => {
    expect(compose.services.postgres.volumes).toContain('postgres-data:/var/lib/postgresql/data');
    expect(compose.services.prometheus?.volumes).toContain('prometheus-data:/prometheus');
    expect(compose.services.grafana?.volumes).toContain('grafana-data:/var/lib/grafana');
  });
});

describe.each(apps)('$name configuration', ({ name, config }) => {
  const complete: Record<string, string> = {
    NODE_ENV: 'production',
    DATABASE_URL: 'postgres://user:password@postgres:5432/distribution',
    // Made at run time, as an operator makes them: any value written here would be a published one.
    INTERNAL_CREDENTIAL: randomBytes(48).toString('base64'),
    ACCOUNT_SIGNING_KEYS: signingKeys,
    MANUFACTURER_URL: 'http://manufacturer:4001/graphql',
    INVENTORY_URL: 'http://inventory:4002/graphql',
    ORDER_URL: 'http://order:4003/graphql',
    ACCOUNT_URL: 'http://account:4004/graphql',
  };

  it('runs on development defaults when nothing is set', () => {
    const settings = config.loadServiceConfig({});
    expect(settings.internalCredential).toBe(DEVELOPMENT_DEFAULTS.internalCredential);
    expect(settings.logLevel).toBe('info');
  });

  it('names every missing variable in production', () => {
    const problems = problemsOf(() => config.loadServiceConfig({ NODE_ENV: 'production' }));
    expect(config.productionVariables.length).toBeGreaterThan(0);
    for (const variable of config.productionVariables) {
      expect(
        problems.some((problem) => problem.startsWith(`${variable}:`)),
        variable,
      ).toBe(true);
    }
  });

  it('starts in production once the production variables are set', () => {
    const settings = config.loadServiceConfig(complete);
    expect(settings.internalCredential).toBe(complete.INTERNAL_CREDENTIAL);
  });

  it('refuses every development default in production, naming each secret it reads', () => {
    const secrets = Object.keys(config.configShape).filter((variable) => variable === 'INTERNAL_CREDENTIAL');
    const withDefaults = { ...complete, INTERNAL_CREDENTIAL: DEVELOPMENT_DEFAULTS.internalCredential };
    const problems = problemsOf(() => config.loadServiceConfig(withDefaults));
    expect(problems.map((problem) => problem.split(':')[0]).sort()).toEqual(secrets.sort());
    for (const problem of problems) expect(problem).toMatch(/published development value/);
  });

  it.each(['not-a-port', '70000', '-1', '4.5'])('rejects PORT=%s, naming PORT', (port) => {
    expect(problemsOf(() => config.loadServiceConfig({ PORT: port })).join('\n')).toMatch(/^PORT:/m);
  });

  it('rejects an INTERNAL_CREDENTIAL shorter than 16 characters, naming it', () => {
    const problems = problemsOf(() => config.loadServiceConfig({ INTERNAL_CREDENTIAL: 'too-short' }));
    expect(problems).toEqual([expect.stringMatching(/^INTERNAL_CREDENTIAL: .*16 characters/)]);
  });

  it('rejects an unknown LOG_LEVEL, naming it', () => {
    expect(problemsOf(() => config.loadServiceConfig({ LOG_LEVEL: 'verbose' })).join('\n')).toMatch(/^LOG_LEVEL:/m);
  });

  it('reads PORT as a number', () => {
    expect(config.loadServiceConfig({ PORT: '5000' }).port).toBe(5000);
  });

  if (name !== 'gateway') {
    it('leaves DATABASE_URL unset in development, for the embedded Postgres, and rejects a non-URL', () => {
      expect(config.loadServiceConfig({})).toMatchObject({ databaseUrl: undefined, eventBatchSize: 100, eventPollIntervalMs: 500 });
      expect(problemsOf(() => config.loadServiceConfig({ DATABASE_URL: 'localhost' })).join('\n')).toMatch(/^DATABASE_URL:/m);
    });
  }
});

describe('service-specific settings', () => {
  it('gives each service its own port', () => {
    expect(apps.map(({ config }) => config.loadServiceConfig({}).port)).toEqual([4001, 4002, 4003, 4004, 4000]);
  });

  it('inventory: monthly rounds and a low-stock threshold of 5 unless told otherwise', () => {
    expect(inventory.loadServiceConfig({})).toMatchObject({ roundPeriod: 'P1M', lowStockThreshold: 5 });
    expect(inventory.loadServiceConfig({ ROUND_PERIOD: 'PT30S', LOW_STOCK_THRESHOLD: '2' })).toMatchObject({ roundPeriod: 'PT30S', lowStockThreshold: 2 });
    expect(problemsOf(() => inventory.loadServiceConfig({ ROUND_PERIOD: 'monthly' })).join('\n')).toMatch(/^ROUND_PERIOD:/m);
    expect(inventory.loadServiceConfig({})).toMatchObject({ roundSchedule: 'monthly' });
    expect(inventory.loadServiceConfig({ ROUND_SCHEDULE: 'PT30S' })).toMatchObject({ roundSchedule: 'PT30S' });
    expect(problemsOf(() => inventory.loadServiceConfig({ ROUND_SCHEDULE: '0 0 1 * *' })).join('\n')).toMatch(/^ROUND_SCHEDULE: must be monthly, manual or an ISO-8601 duration/m);
  });

  it('order: waits 5 s for a reservation unless told otherwise', () => {
    expect(order.loadServiceConfig({})).toMatchObject({ placeOrderWaitMs: 5000 });
    expect(order.loadServiceConfig({ PLACE_ORDER_WAIT_MS: '250' }).placeOrderWaitMs).toBe(250);
    expect(order.loadServiceConfig({}).resolutionTimeoutMs).toBe(30_000);
    expect(order.loadServiceConfig({ ORDER_RESOLUTION_TIMEOUT_MS: '1500' }).resolutionTimeoutMs).toBe(1500);
  });

  it('gateway: local subgraphs, the supergraph file next to the gateway, and connection limits by default', () => {
    expect(gateway.loadServiceConfig({})).toMatchObject({
      jwksUrl: undefined,
      tokenIssuer: 'distribution-network',
      tokenAudience: 'distribution-api',
      roleClaim: 'role',
      manufacturerUrl: 'http://localhost:4001/graphql',
      inventoryUrl: 'http://localhost:4002/graphql',
      orderUrl: 'http://localhost:4003/graphql',
      accountUrl: 'http://localhost:4004/graphql',
      supergraphPath: path.join(root, 'gateway', 'supergraph.graphql'),
      maxSubscriptionsPerConnection: 50,
      maxConnections: 10000,
    });
  });

  it("gateway: metrics on 9464 and the live page's origins in development; no origins in production unless listed", () => {
    expect(gateway.loadServiceConfig({})).toMatchObject({ metricsPort: 9464, corsOrigins: ['http://localhost:5173', 'http://127.0.0.1:5173'] });
    expect(gateway.loadServiceConfig({ METRICS_PORT: 'off', CORS_ORIGINS: '' })).toMatchObject({ metricsPort: null, corsOrigins: [] });
    const secrets = { INTERNAL_CREDENTIAL: randomBytes(48).toString('base64') };
    const production = {
      NODE_ENV: 'production',
      ...secrets,
      MANUFACTURER_URL: 'http://m:4001/graphql',
      INVENTORY_URL: 'http://i:4002/graphql',
      ORDER_URL: 'http://o:4003/graphql',
      ACCOUNT_URL: 'http://a:4004/graphql',
    };
    expect(gateway.loadServiceConfig(production).corsOrigins).toEqual([]);
    expect(gateway.loadServiceConfig({ ...production, CORS_ORIGINS: 'https://shop.example.com' }).corsOrigins).toEqual(['https://shop.example.com']);
  });

  it("gateway: an identity provider's JWKS, issuer, audience and role claim are configuration, and no secret is needed to verify", () => {
    const env = {
      NODE_ENV: 'production',
      JWKS_URL: 'https://auth.example.com/.well-known/jwks.json',
      JWT_ISSUER: 'https://auth.example.com/',
      JWT_AUDIENCE: 'https://api.example.com',
      JWT_ROLE_CLAIM: 'https://example.com/roles',
      INTERNAL_CREDENTIAL: randomBytes(48).toString('base64'),
      MANUFACTURER_URL: 'http://manufacturer:4001/graphql',
      INVENTORY_URL: 'http://inventory:4002/graphql',
      ORDER_URL: 'http://order:4003/graphql',
      ACCOUNT_URL: 'http://account:4004/graphql',
    };
    expect(gateway.loadServiceConfig(env)).toMatchObject({ jwksUrl: env.JWKS_URL, tokenIssuer: env.JWT_ISSUER, tokenAudience: env.JWT_AUDIENCE, roleClaim: env.JWT_ROLE_CLAIM });
    expect(Object.keys(gateway.configShape)).not.toContain('JWT_SECRET');
  });

  it('account: 15-minute access tokens, 14-day refresh tokens, a lock after 5 failed sign-ins; production needs its signing keys', () => {
    expect(account.loadServiceConfig({})).toMatchObject({
      signingKeys: undefined,
      accessTokenSeconds: 900,
      refreshTokenSeconds: 14 * 24 * 3600,
      lockout: { maxFailures: 5, lockoutSeconds: 900 },
      firstOperator: undefined,
    });
    expect(account.loadServiceConfig({ OPERATOR_EMAIL: 'ops@example.com', OPERATOR_PASSWORD: 'a long operator password' }).firstOperator).toEqual({
      email: 'ops@example.com',
      password: 'a long operator password',
    });
    const { ACCOUNT_SIGNING_KEYS: _keys, ...withoutKeys } = {
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://u:p@db/d',
      INTERNAL_CREDENTIAL: randomBytes(48).toString('base64'),
      ACCOUNT_SIGNING_KEYS: signingKeys,
    };
    expect(problemsOf(() => account.loadServiceConfig(withoutKeys))).toEqual([expect.stringMatching(/^ACCOUNT_SIGNING_KEYS: required in production/)]);
  });
});
