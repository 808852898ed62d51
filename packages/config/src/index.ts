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
