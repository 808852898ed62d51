/** Reads a service's settings from the environment, validated, with one clear message per problem. */
import { z } from 'zod';
import { DEVELOPMENT_DEFAULTS, SECRET_RECIPE, productionSecretProblem } from './secrets.js';

export { z };
export { DEVELOPMENT_DEFAULTS, MIN_PRODUCTION_SECRET_BYTES, PUBLISHED_SECRETS, SECRET_RECIPE, productionSecretProblem } from './secrets.js';

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export interface LoadConfigOptions {
  /** Secrets production may leave unset because this deployment does not use them. */
  unusedSecrets?: readonly string[];
}

/**
 * Parses `env` against a zod object whose keys are environment variable names.
 * Throws a ConfigError naming every variable that is wrong, not just the first.
 * In production every `env.secret` must also be set, unpublished and long enough (secrets.ts).
 */
export function loadConfig<S extends z.ZodRawShape>(shape: S, env: NodeJS.ProcessEnv = process.env, options: LoadConfigOptions = {}): z.infer<z.ZodObject<S>> {
  const result = z.object(shape).safeParse(env);
  const issues = result.success ? [] : result.error.issues;
  const problems = issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  if (isProduction(env)) {
    // One line per variable: a secret zod already refused is not named twice.
    const named = new Set(issues.map((issue) => String(issue.path[0])));
    for (const name of secretVariables(shape)) {
      const value = env[name];
      if (named.has(name) || (!value && options.unusedSecrets?.includes(name))) continue;
      // An unset secret would fall back to its development default, which everyone knows.
      const problem = value ? productionSecretProblem(value) : `required in production; ${SECRET_RECIPE}`;
      if (problem) problems.push(`${name}: ${problem}`);
    }
  }
  if (problems.length > 0 || !result.success) throw new ConfigError(problems);
  return result.data;
}

/** The schemas `env.secret` made: loadConfig holds them to the production rules for secrets. */
const secretSchemas = new WeakSet<z.ZodType>();

/** Whether `schema` is an `env.secret`, seen through default, optional and pipe wrappers. */
function isSecret(schema: z.ZodType): boolean {
  let current: z.ZodType | undefined = schema;
  for (let depth = 0; current && depth < 8; depth += 1) {
    if (secretSchemas.has(current)) return true;
    const def = current._zod.def as { innerType?: z.ZodType; in?: z.ZodType };
    current = def.innerType ?? def.in;
  }
  return false;
}

/** Names of the variables of a shape that are secrets (`env.secret`): used by the guard and the compose check. */
export function secretVariables(shape: z.ZodRawShape): string[] {
  return Object.entries(shape)
    .filter(([, schema]) => isSecret(schema as z.ZodType))
    .map(([name]) => name);
}

/** Common field kinds, so every service spells them the same way. */
export const env = {
  port: (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback),
  /** A port, 0 for any free one, or `off` (null): for a listener a deployment may not want. */
  portOrOff: (fallback: number | 'off') =>
    z
      .union([z.literal('off').transform(() => null), z.coerce.number().int().min(0).max(65535)], { message: 'must be a port (0-65535) or off' })
      .default(fallback === 'off' ? null : fallback),
  url: () => z.url({ message: 'must be a URL' }),
  optionalUrl: () => z.url({ message: 'must be a URL' }).optional(),
  /** A secret: at least 16 characters anywhere; in production also set, unpublished and 32+ bytes (see loadConfig). */
  secret: (fallback?: string) => {
    const schema = z.string().min(16, 'must be at least 16 characters');
    secretSchemas.add(schema);
    return fallback === undefined ? schema : schema.default(fallback);
  },
  /** Comma-separated web origins (scheme://host[:port]), normalised; unset is undefined so the caller picks the default. */
  origins: () =>
    z
      .string()
      .optional()
      .transform((text, context) => {
        if (text === undefined) return undefined;
        const origins: string[] = [];
        for (const entry of text
          .split(',')
          .map((part) => part.trim())
          .filter(Boolean)) {
          const origin = webOrigin(entry);
          if (origin) origins.push(origin);
          else context.addIssue({ code: 'custom', message: `"${entry}" is not an origin like https://shop.example.com` });
        }
        return origins;
      }),
  int: (fallback: number, min = 0) => z.coerce.number().int().min(min).default(fallback),
  text: (fallback: string) => z.string().min(1).default(fallback),
  flag: (fallback: boolean) =>
    z
      .enum(['true', 'false', '1', '0'])
      .default(fallback ? 'true' : 'false')
      .transform((v) => v === 'true' || v === '1'),
  /** ISO-8601 duration such as P1M or PT30S, kept as text and parsed by the domain. */
  duration: (fallback: string) =>
    z
      .string()
      .regex(/^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/, 'must be an ISO-8601 duration like P1M or PT30S')
      .default(fallback),
};

/** `entry` as a browser sends it in the Origin header, or null when it is not a bare http(s) origin. */
function webOrigin(entry: string): string | null {
  try {
    const url = new URL(entry);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    if (url.pathname !== '/' || url.search || url.hash || url.username || url.password || entry.endsWith('/')) return null;
    return url.origin;
  } catch {
    return null;
  }
}

export const isProduction = (e: NodeJS.ProcessEnv = process.env) => e.NODE_ENV === 'production';

/** Log levels pino knows, as every service accepts them in LOG_LEVEL. */
export const logLevel = () => z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info');

/** The variables that choose the event transport (every subgraph reads them, and `npm start`). */
export const eventTransportVariables = () => ({
  // Which transport carries events between services (README, "Choosing the event transport").
  EVENT_TRANSPORT: z.enum(['postgres', 'nats']).default('postgres'),
  // JetStream servers, comma-separated; read only with EVENT_TRANSPORT=nats.
  NATS_URL: z
    .string()
    .regex(/^nats:\/\/[^\s,]+(,nats:\/\/[^\s,]+)*$/, 'must be nats://host:port, or several separated by commas')
    .default('nats://127.0.0.1:4222'),
  // Partitions of ordering keys on JetStream: every service of a deployment must use the same number.
  NATS_PARTITIONS: z.coerce.number().int().min(1).max(1024).default(8),
});

/** The variables every subgraph reads, whatever else it needs; `metricsPort` is METRICS_PORT's default. */
export const subgraphVariables = (port: number, metricsPort: number | 'off' = 'off') => ({
  PORT: env.port(port),
  // Prometheus scrapes here, never on the public port; `off` serves no metrics and records none.
  METRICS_PORT: env.portOrOff(metricsPort),
  // Unset means an embedded Postgres (development only).
  DATABASE_URL: env.optionalUrl(),
  INTERNAL_CREDENTIAL: env.secret(DEVELOPMENT_DEFAULTS.internalCredential),
  LOG_LEVEL: logLevel(),
  EVENT_BATCH_SIZE: env.int(100, 1),
  EVENT_POLL_INTERVAL_MS: env.int(500, 1),
  ...eventTransportVariables(),
  // Every wait on Postgres is bounded: a statement (lock waits included), a transaction left idle, getting a connection.
  DATABASE_STATEMENT_TIMEOUT_MS: env.int(15_000, 1),
  DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: env.int(30_000, 1),
  DATABASE_CONNECT_TIMEOUT_MS: env.int(10_000, 1),
  // Deepest operation a subgraph accepts; unset keeps DEFAULT_SUBGRAPH_MAX_DEPTH (@distribution/server).
  SUBGRAPH_MAX_DEPTH: z.coerce.number().int().min(1).optional(),
});

/** The transport settings a service starts its event bus with. */
export type EventTransportSettings = { name: 'postgres' } | { name: 'nats'; natsUrl: string; partitions?: number; stream?: string; subjectRoot?: string };

/** The transport settings those variables name. */
export function eventTransportOf(c: { EVENT_TRANSPORT: 'postgres' | 'nats'; NATS_URL: string; NATS_PARTITIONS: number }): EventTransportSettings {
  return c.EVENT_TRANSPORT === 'nats' ? { name: 'nats', natsUrl: c.NATS_URL, partitions: c.NATS_PARTITIONS } : { name: 'postgres' };
}

/** What every subgraph's container deployment must set: no embedded database and no development secret. */
export const SUBGRAPH_PRODUCTION_VARIABLES: readonly string[] = ['DATABASE_URL', 'INTERNAL_CREDENTIAL'];

/**
 * Reads a subgraph's settings: in production every one of `productionVariables` must be set;
 * then the shape is checked. Throws one ConfigError naming every problem.
 */
export function loadSubgraphConfig<S extends ReturnType<typeof subgraphVariables> & z.ZodRawShape>(
  shape: S,
  productionVariables: readonly string[],
  environment: NodeJS.ProcessEnv,
) {
  const missing = isProduction(environment) ? productionVariables.filter((name) => !environment[name]) : [];
  if (missing.length > 0) throw new ConfigError(missing.map((name) => `${name}: required in production`));
  const c = loadConfig(shape, environment);
  const common = c as z.infer<z.ZodObject<ReturnType<typeof subgraphVariables>>>;
  return {
    variables: c,
    settings: {
      port: common.PORT,
      metricsPort: common.METRICS_PORT,
      databaseUrl: common.DATABASE_URL,
      internalCredential: common.INTERNAL_CREDENTIAL,
      logLevel: common.LOG_LEVEL,
      eventBatchSize: common.EVENT_BATCH_SIZE,
      eventPollIntervalMs: common.EVENT_POLL_INTERVAL_MS,
      eventTransport: eventTransportOf(common),
      databaseTimeouts: {
        statementMs: common.DATABASE_STATEMENT_TIMEOUT_MS,
        idleInTransactionMs: common.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS,
        connectMs: common.DATABASE_CONNECT_TIMEOUT_MS,
      },
      maxDepth: common.SUBGRAPH_MAX_DEPTH,
    },
  };
}
