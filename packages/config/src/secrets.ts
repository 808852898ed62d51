/** Secrets: the development values everyone can read, and what production refuses. */

/** Secrets used when nothing is configured: fine on a laptop, refused in production. */
export const DEVELOPMENT_DEFAULTS = {
  // The HS256 secret tokens were signed with before accounts (issue 11); published, so still refused.
  jwtSecret: 'development-only-jwt-secret-change-me',
  internalCredential: 'development-only-internal-credential',
};

/**
 * Every secret value this repository has ever shown in public: the development defaults, the
 * defaults docker-compose.yml once carried, and any example in the README or `.env.example`.
 * Anyone can mint operator tokens with one of these, so production refuses them all.
 * A test checks that no secret value written in those files is missing from this list.
 */
export const PUBLISHED_SECRETS: readonly string[] = [
  DEVELOPMENT_DEFAULTS.jwtSecret,
  DEVELOPMENT_DEFAULTS.internalCredential,
  // docker-compose.yml's defaults before secrets had to come from the environment.
  'local-compose-jwt-secret',
  'local-compose-internal-credential',
  'distribution',
];

/** Production secrets are at least this many bytes: 256 bits, what HS256 wants for its key. */
export const MIN_PRODUCTION_SECRET_BYTES = 32;

/** How an operator makes a good secret; quoted in every refusal. */
export const SECRET_RECIPE = 'generate one with `openssl rand -base64 48`';

/** What is wrong with `value` as a production secret, in a few words, or null when it will do. */
export function productionSecretProblem(value: string): string | null {
  if (PUBLISHED_SECRETS.includes(value.trim())) return `is a published development value; ${SECRET_RECIPE}`;
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes < MIN_PRODUCTION_SECRET_BYTES) return `must be at least ${MIN_PRODUCTION_SECRET_BYTES} bytes in production (it has ${bytes}); ${SECRET_RECIPE}`;
  return null;
}
