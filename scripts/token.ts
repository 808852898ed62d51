/**
 * `npm run -s token -- --role operator --sub op-1 [--expires 12h]`: prints a development token
 * signed with JWT_SECRET (the development default when unset), for curl and the Sandbox.
 */
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { ROLES, signToken, type Identity, type Role } from '@distribution/auth';
import { DEVELOPMENT_DEFAULTS } from '@distribution/config';

export const TOKEN_USAGE = `Usage: npm run -s token -- --role operator|manufacturer|customer --sub ID [--expires 12h]
  --role     who the token speaks for
  --sub      the manufacturer id (manufacturer), customer id (customer) or any name (operator)
  --expires  lifetime: a whole number followed by s, m, h, d or w (default 12h)
Signs with JWT_SECRET, or the development default when it is not set.`;

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

/** The secret tokens are signed with, checked like the services check it. */
export function signingSecret(env: NodeJS.ProcessEnv = process.env): string {
  const secret = env.JWT_SECRET ?? DEVELOPMENT_DEFAULTS.jwtSecret;
  if (secret.length < 16) throw new TokenArgumentError('JWT_SECRET must be at least 16 characters, as the services require');
  return secret;
}

export async function createDevelopmentToken(request: TokenRequest, secret: string): Promise<string> {
  return signToken(request.identity, secret, request.expiresIn);
}

async function main(): Promise<void> {
  try {
    const request = parseTokenArguments(process.argv.slice(2));
    if (request === 'help') {
      console.log(TOKEN_USAGE);
      return;
    }
    // Only the token goes to stdout, so that TOKEN=$(npm run -s token -- ...) works.
    console.log(await createDevelopmentToken(request, signingSecret()));
  } catch (error) {
    if (!(error instanceof TokenArgumentError)) throw error;
    console.error(`${error.message}\n\n${TOKEN_USAGE}`);
    process.exitCode = 2;
  }
}

// Run only as a script, so that tests can import the helpers above.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
