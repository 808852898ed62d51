/**
 * `npm run -s token -- --role operator --sub op-1 [--expires 12h]`: prints a development token for
 * curl and the Sandbox, signed with the development signing key (.data/signing-keys.json, the one
 * `npm start`'s account service signs with and publishes), or ACCOUNT_SIGNING_KEYS when set.
 * A shortcut for development only: people sign in (`signIn`), and production refuses this tool.
 */
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { ROLES, signToken, type Identity, type Role, type SigningKey } from '@distribution/auth';
import { isProduction } from '@distribution/config';
import { loadSigningKeys } from '@distribution/account';

export const TOKEN_USAGE = `Usage: npm run -s token -- --role operator|manufacturer|customer --sub ID [--expires 12h]
  --role     who the token speaks for
  --sub      the manufacturer id (manufacturer), customer id (customer) or any name (operator)
  --expires  lifetime: a whole number followed by s, m, h, d or w (default 12h)
Development only: signs with the development key (.data/signing-keys.json, made by the first
\`npm start\` or by this command), or ACCOUNT_SIGNING_KEYS when set. Everyone else signs in (signIn).`;

/** The token request is wrong; the message says how, for a person at a terminal. */
export class TokenArgumentError extends Error {}

export interface TokenRequest {
  identity: Identity;
  expiresIn: string;
}

/** Turns command-line arguments into a token request, or throws TokenArgumentError naming every problem. */
export function parseTokenArguments(args: string[]): TokenRequest | 'help' {
  let values: { role?: string; sub?: string; expires?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        role: { type: 'string', short: 'r' },
        sub: { type: 'string', short: 's' },
        expires: { type: 'string', short: 'e', default: '12h' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new TokenArgumentError((error as Error).message);
  }
  if (values.help) return 'help';

  const problems: string[] = [];
  const role = values.role?.toUpperCase() as Role | undefined;
  if (!values.role) problems.push('--role is required');
  else if (!ROLES.includes(role!)) problems.push(`--role must be one of ${ROLES.map((r) => r.toLowerCase()).join(', ')} (got "${values.role}")`);
  const sub = values.sub?.trim();
  if (!sub) problems.push('--sub is required: the id of the manufacturer or customer the token is for');
  const expiresIn = values.expires!;
  if (!/^[1-9]\d*[smhdw]$/.test(expiresIn)) problems.push(`--expires must be a whole number followed by s, m, h, d or w, like 12h (got "${expiresIn}")`);
  if (problems.length > 0) throw new TokenArgumentError(problems.join('\n'));
  return { identity: { role: role!, sub: sub! }, expiresIn };
}

/** The key development tokens are signed with: the account service's (its first key). Refused in production. */
export async function developmentSigningKey(env: NodeJS.ProcessEnv = process.env, keyFile?: string): Promise<SigningKey> {
  if (isProduction(env)) throw new TokenArgumentError('npm run token is a development shortcut; in production people sign in (signIn)');
  try {
    return (await loadSigningKeys({ keysJson: env.ACCOUNT_SIGNING_KEYS, keyFile }))[0]!;
  } catch (error) {
    throw new TokenArgumentError(`The signing key cannot be read: ${(error as Error).message}`);
  }
}

export async function createDevelopmentToken(request: TokenRequest, key: SigningKey): Promise<string> {
  return signToken(request.identity, key, request.expiresIn);
}

async function main(): Promise<void> {
  try {
    const request = parseTokenArguments(process.argv.slice(2));
    if (request === 'help') {
      console.log(TOKEN_USAGE);
      return;
    }
    // Only the token goes to stdout, so that TOKEN=$(npm run -s token -- ...) works.
    console.log(await createDevelopmentToken(request, await developmentSigningKey()));
  } catch (error) {
    if (!(error instanceof TokenArgumentError)) throw error;
    console.error(`${error.message}\n\n${TOKEN_USAGE}`);
    process.exitCode = 2;
  }
}

// Run only as a script, so that tests can import the helpers above.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
