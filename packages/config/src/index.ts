/** Reads a service's settings from the environment, validated, with one clear message per problem. */
import { z } from 'zod';

export { z };

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses `env` against a zod object whose keys are environment variable names.
 * Throws a ConfigError naming every variable that is wrong, not just the first.
 */
export function loadConfig<S extends z.ZodRawShape>(shape: S, env: NodeJS.ProcessEnv = process.env): z.infer<z.ZodObject<S>> {
  const result = z.object(shape).safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  throw new ConfigError(problems);
}

/** Names of the variables a shape requires (no default, not optional): used by the compose check. */
export function requiredVariables(shape: z.ZodRawShape): string[] {
  return Object.entries(shape)
    .filter(([, schema]) => !(schema as z.ZodType).safeParse(undefined).success)
    .map(([name]) => name);
}

/** Common field kinds, so every service spells them the same way. */
export const env = {
  port: (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback),
  url: () => z.url({ message: 'must be a URL' }),
  optionalUrl: () => z.url({ message: 'must be a URL' }).optional(),
  secret: (fallback?: string) =>
    fallback === undefined ? z.string().min(16, 'must be at least 16 characters') : z.string().min(16, 'must be at least 16 characters').default(fallback),
  int: (fallback: number, min = 0) => z.coerce.number().int().min(min).default(fallback),
  text: (fallback: string) => z.string().min(1).default(fallback),
  flag: (fallback: boolean) =>
    z.enum(['true', 'false', '1', '0']).default(fallback ? 'true' : 'false').transform((v) => v === 'true' || v === '1'),
  /** ISO-8601 duration such as P1M or PT30S, kept as text and parsed by the domain. */
  duration: (fallback: string) => z.string().regex(/^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/, 'must be an ISO-8601 duration like P1M or PT30S').default(fallback),
};

/** Secrets used when nothing is configured: fine on a laptop, refused in production. */
export const DEVELOPMENT_DEFAULTS = {
  jwtSecret: 'development-only-jwt-secret-change-me',
  internalCredential: 'development-only-internal-credential',
};

export const isProduction = (e: NodeJS.ProcessEnv = process.env) => e.NODE_ENV === 'production';

/** Log levels pino knows, as every service accepts them in LOG_LEVEL. */
export const logLevel = () => z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info');

/** The variables every subgraph reads, whatever else it needs. */
export const subgraphVariables = (port: number) => ({
  PORT: env.port(port),
  // Unset means an embedded Postgres (development only).
  DATABASE_URL: env.optionalUrl(),
  INTERNAL_CREDENTIAL: env.secret(DEVELOPMENT_DEFAULTS.internalCredential),
  LOG_LEVEL: logLevel(),
  EVENT_BATCH_SIZE: env.int(100, 1),
  EVENT_POLL_INTERVAL_MS: env.int(500, 1),
  // Deepest operation a subgraph accepts; unset keeps DEFAULT_SUBGRAPH_MAX_DEPTH (@distribution/server).
  SUBGRAPH_MAX_DEPTH: z.coerce.number().int().min(1).optional(),
});

/** What every subgraph's container deployment must set: no embedded database and no development secret. */
export const SUBGRAPH_PRODUCTION_VARIABLES: readonly string[] = ['DATABASE_URL', 'INTERNAL_CREDENTIAL'];

/**
 * Reads a subgraph's settings: in production every one of `productionVariables` must be set;
 * then the shape is checked. Throws one ConfigError naming every problem.
 */
export function loadSubgraphConfig<S extends ReturnType<typeof subgraphVariables> & z.ZodRawShape>(
  shape: S, productionVariables: readonly string[], environment: NodeJS.ProcessEnv,
) {
  const missing = isProduction(environment) ? productionVariables.filter((name) => !environment[name]) : [];
  if (missing.length > 0) throw new ConfigError(missing.map((name) => `${name}: required in production`));
  const c = loadConfig(shape, environment);
  const common = c as z.infer<z.ZodObject<ReturnType<typeof subgraphVariables>>>;
  return {
    variables: c,
    settings: {
      port: common.PORT,
      databaseUrl: common.DATABASE_URL,
      internalCredential: common.INTERNAL_CREDENTIAL,
      logLevel: common.LOG_LEVEL,
      eventBatchSize: common.EVENT_BATCH_SIZE,
      eventPollIntervalMs: common.EVENT_POLL_INTERVAL_MS,
      maxDepth: common.SUBGRAPH_MAX_DEPTH,
    },
  };
}
