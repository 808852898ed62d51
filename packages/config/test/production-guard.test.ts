import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  DEVELOPMENT_DEFAULTS,
  MIN_PRODUCTION_SECRET_BYTES,
  PUBLISHED_SECRETS,
  env,
  loadConfig,
  loadSubgraphConfig,
  secretVariables,
  subgraphVariables,
  SUBGRAPH_PRODUCTION_VARIABLES,
} from '@distribution/config';

/** A secret as an operator makes one: `openssl rand -base64 48`. */
const strongSecret = () => randomBytes(48).toString('base64');

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

const shape = {
  ...subgraphVariables(4100),
  JWT_SECRET: env.secret(DEVELOPMENT_DEFAULTS.jwtSecret),
};
const production = (overrides: Record<string, string>) => ({
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://distribution:pw@postgres:5432/distribution',
  INTERNAL_CREDENTIAL: strongSecret(),
  JWT_SECRET: strongSecret(),
  ...overrides,
});

describe('the production guard on secrets', () => {
  it('starts with secrets that are long and unpublished', () => {
    const environment = production({});
    const config = loadConfig(shape, environment);
    expect(config.JWT_SECRET).toBe(environment.JWT_SECRET);
    expect(config.INTERNAL_CREDENTIAL).toBe(environment.INTERNAL_CREDENTIAL);
  });

  it.each(PUBLISHED_SECRETS.map((value) => [value]))('refuses the published value %j for every secret, naming each variable once', (value) => {
    const problems = problemsOf(() => loadConfig(shape, production({ JWT_SECRET: value, INTERNAL_CREDENTIAL: value })));
    expect(problems.map((problem) => problem.split(':')[0]).sort()).toEqual(['INTERNAL_CREDENTIAL', 'JWT_SECRET']);
    // Values under 16 characters are refused by the rule that holds everywhere; the others by the guard.
    if (value.length >= 16) for (const problem of problems) expect(problem).toMatch(/published development value; generate one with `openssl rand -base64 48`/);
  });

  it('refuses a published value padded with spaces', () => {
    expect(problemsOf(() => loadConfig(shape, production({ JWT_SECRET: ` ${DEVELOPMENT_DEFAULTS.jwtSecret}\n` })))).toEqual([
      expect.stringMatching(/^JWT_SECRET: is a published development value/),
    ]);
  });

  it(`refuses a secret shorter than ${MIN_PRODUCTION_SECRET_BYTES} bytes, counting bytes rather than characters`, () => {
    const short = 'x'.repeat(MIN_PRODUCTION_SECRET_BYTES - 1);
    expect(problemsOf(() => loadConfig(shape, production({ INTERNAL_CREDENTIAL: short })))).toEqual([
      `INTERNAL_CREDENTIAL: must be at least ${MIN_PRODUCTION_SECRET_BYTES} bytes in production (it has ${MIN_PRODUCTION_SECRET_BYTES - 1}); generate one with \`openssl rand -base64 48\``,
    ]);
    // 16 two-byte characters are 32 bytes: long enough.
    expect(loadConfig(shape, production({ INTERNAL_CREDENTIAL: 'é'.repeat(16) })).INTERNAL_CREDENTIAL).toBe('é'.repeat(16));
    expect(loadConfig(shape, production({ INTERNAL_CREDENTIAL: 'x'.repeat(MIN_PRODUCTION_SECRET_BYTES) })).INTERNAL_CREDENTIAL).toHaveLength(32);
  });

  it('refuses an unset secret in production instead of falling back to the development default', () => {
    const { JWT_SECRET: _unset, ...environment } = production({});
    expect(problemsOf(() => loadConfig(shape, environment))).toEqual([expect.stringMatching(/^JWT_SECRET: required in production; generate one/)]);
  });

  it('lets a deployment leave unset a secret it does not use, but never set it to a published value', () => {
    const { JWT_SECRET: _unset, ...environment } = production({});
    expect(loadConfig(shape, environment, { unusedSecrets: ['JWT_SECRET'] }).JWT_SECRET).toBe(DEVELOPMENT_DEFAULTS.jwtSecret);
    expect(problemsOf(() => loadConfig(shape, { ...environment, JWT_SECRET: DEVELOPMENT_DEFAULTS.jwtSecret }, { unusedSecrets: ['JWT_SECRET'] }))).toEqual([
      expect.stringMatching(/^JWT_SECRET: is a published development value/),
    ]);
  });

  it('names every problem at once, one line per variable, with the other invalid settings', () => {
    const problems = problemsOf(() => loadConfig(shape, production({ JWT_SECRET: 'short', INTERNAL_CREDENTIAL: DEVELOPMENT_DEFAULTS.internalCredential, PORT: 'x' })));
    expect(problems.map((problem) => problem.split(':')[0]).sort()).toEqual(['INTERNAL_CREDENTIAL', 'JWT_SECRET', 'PORT']);
    expect(problems.find((problem) => problem.startsWith('JWT_SECRET'))).toMatch(/16 characters/);
    expect(new ConfigError(problems).message.split('\n')).toHaveLength(1 + problems.length);
  });

  it('keeps the development defaults outside production', () => {
    expect(loadConfig(shape, {})).toMatchObject({ JWT_SECRET: DEVELOPMENT_DEFAULTS.jwtSecret, INTERNAL_CREDENTIAL: DEVELOPMENT_DEFAULTS.internalCredential });
    expect(loadConfig(shape, { NODE_ENV: 'test', JWT_SECRET: 'sixteen-chars-ok' }).JWT_SECRET).toBe('sixteen-chars-ok');
  });

  it('holds a secret added later to the same rules, whatever wraps it, with no list to update', () => {
    const later = { ...shape, WEBHOOK_SIGNING_KEY: env.secret('development-only-webhook-key').optional(), PLAIN_TEXT: env.text('anything') };
    expect(secretVariables(later).sort()).toEqual(['INTERNAL_CREDENTIAL', 'JWT_SECRET', 'WEBHOOK_SIGNING_KEY']);
    expect(problemsOf(() => loadConfig(later, production({ WEBHOOK_SIGNING_KEY: 'sixteen-chars-but-not-32' })))).toEqual([
      expect.stringMatching(/^WEBHOOK_SIGNING_KEY: must be at least 32 bytes/),
    ]);
    expect(problemsOf(() => loadConfig(later, production({})))).toEqual([expect.stringMatching(/^WEBHOOK_SIGNING_KEY: required in production/)]);
  });

  it('applies to every subgraph through loadSubgraphConfig', () => {
    expect(
      problemsOf(() => loadSubgraphConfig(subgraphVariables(4100), SUBGRAPH_PRODUCTION_VARIABLES, production({ INTERNAL_CREDENTIAL: 'local-compose-internal-credential' }))),
    ).toEqual([expect.stringMatching(/^INTERNAL_CREDENTIAL: is a published development value/)]);
  });
});

describe('other kinds', () => {
  const kinds = { METRICS_PORT: env.portOrOff(9464), CORS_ORIGINS: env.origins() };

  it('reads a port, 0 for a free one, or off', () => {
    expect(loadConfig(kinds, {}).METRICS_PORT).toBe(9464);
    expect(loadConfig(kinds, { METRICS_PORT: '0' }).METRICS_PORT).toBe(0);
    expect(loadConfig(kinds, { METRICS_PORT: 'off' }).METRICS_PORT).toBeNull();
    expect(loadConfig({ METRICS_PORT: env.portOrOff('off') }, {}).METRICS_PORT).toBeNull();
    expect(problemsOf(() => loadConfig(kinds, { METRICS_PORT: 'no' }))).toEqual([expect.stringMatching(/^METRICS_PORT: must be a port \(0-65535\) or off/)]);
  });

  it('reads origins as a browser sends them, and refuses anything else naming it', () => {
    expect(loadConfig(kinds, {}).CORS_ORIGINS).toBeUndefined();
    expect(loadConfig(kinds, { CORS_ORIGINS: '' }).CORS_ORIGINS).toEqual([]);
    expect(loadConfig(kinds, { CORS_ORIGINS: ' https://Shop.Example.com , http://localhost:5173' }).CORS_ORIGINS).toEqual(['https://shop.example.com', 'http://localhost:5173']);
    const problems = problemsOf(() => loadConfig(kinds, { CORS_ORIGINS: 'https://shop.example.com/app,*,ftp://files.example.com' }));
    expect(problems).toHaveLength(3);
    for (const problem of problems) expect(problem).toMatch(/^CORS_ORIGINS: ".*" is not an origin/);
  });
});
