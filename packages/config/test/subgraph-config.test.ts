import { describe, expect, it } from 'vitest';
import { ConfigError, DEVELOPMENT_DEFAULTS, SUBGRAPH_PRODUCTION_VARIABLES, env, loadSubgraphConfig, subgraphVariables } from '@distribution/config';

const shape = { ...subgraphVariables(4100), EXTRA: env.int(7) };

describe('a subgraph configuration', () => {
  it('has development defaults for everything, and keeps the extra variables apart', () => {
    const { settings, variables } = loadSubgraphConfig(shape, SUBGRAPH_PRODUCTION_VARIABLES, {});
    expect(settings).toEqual({
      port: 4100,
      metricsPort: null,
      databaseUrl: undefined,
      internalCredential: DEVELOPMENT_DEFAULTS.internalCredential,
      logLevel: 'info',
      eventBatchSize: 100,
      eventPollIntervalMs: 500,
      eventTransport: { name: 'postgres' },
      databaseTimeouts: { statementMs: 15_000, idleInTransactionMs: 30_000, connectMs: 10_000 },
    });
    expect(variables.EXTRA).toBe(7);
  });

  it('serves metrics on METRICS_PORT, on a default port a subgraph gives, or not at all', () => {
    expect(loadSubgraphConfig(shape, [], { METRICS_PORT: '9999' }).settings.metricsPort).toBe(9999);
    expect(loadSubgraphConfig(shape, [], { METRICS_PORT: '0' }).settings.metricsPort).toBe(0);
    expect(loadSubgraphConfig({ ...subgraphVariables(4100, 9465) }, [], {}).settings.metricsPort).toBe(9465);
    expect(loadSubgraphConfig({ ...subgraphVariables(4100, 9465) }, [], { METRICS_PORT: 'off' }).settings.metricsPort).toBeNull();
    expect(() => loadSubgraphConfig(shape, [], { METRICS_PORT: 'sometimes' })).toThrow(/METRICS_PORT: must be a port \(0-65535\) or off/);
  });

  it('names every variable production must set, before anything else', () => {
    const attempt = () => loadSubgraphConfig(shape, [...SUBGRAPH_PRODUCTION_VARIABLES, 'EXTRA'], { NODE_ENV: 'production', PORT: 'x' });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      expect((error as ConfigError).problems).toEqual(['DATABASE_URL: required in production', 'INTERNAL_CREDENTIAL: required in production', 'EXTRA: required in production']);
    }
  });

  it('names every invalid variable at once', () => {
    try {
      loadSubgraphConfig(shape, SUBGRAPH_PRODUCTION_VARIABLES, { PORT: '70000', EVENT_BATCH_SIZE: '0', LOG_LEVEL: 'loud', DATABASE_URL: 'not a url' });
      expect.unreachable();
    } catch (error) {
      expect((error as ConfigError).problems.map((p) => p.split(':')[0]).sort()).toEqual(['DATABASE_URL', 'EVENT_BATCH_SIZE', 'LOG_LEVEL', 'PORT']);
    }
  });

  it('reads the JetStream transport, and refuses a transport or server it does not know', () => {
    const { settings } = loadSubgraphConfig(shape, SUBGRAPH_PRODUCTION_VARIABLES, { EVENT_TRANSPORT: 'nats', NATS_URL: 'nats://a:4222,nats://b:4222', NATS_PARTITIONS: '16' });
    expect(settings.eventTransport).toEqual({ name: 'nats', natsUrl: 'nats://a:4222,nats://b:4222', partitions: 16 });
    try {
      loadSubgraphConfig(shape, SUBGRAPH_PRODUCTION_VARIABLES, { EVENT_TRANSPORT: 'kafka', NATS_URL: 'http://a', NATS_PARTITIONS: '0' });
      expect.unreachable();
    } catch (error) {
      expect((error as ConfigError).problems.map((p) => p.split(':')[0]).sort()).toEqual(['EVENT_TRANSPORT', 'NATS_PARTITIONS', 'NATS_URL']);
    }
  });
});
