/** Tokens for the command-line tools (list, seed, simulate) against a running network: the development key, as `npm run token` uses. */
import type { TokenSigner } from '@distribution/auth';
import { developmentSigningKey } from './token.js';
import { signToken } from '@distribution/auth';

/** Signs with the development key (.data/signing-keys.json or ACCOUNT_SIGNING_KEYS); refused in production. */
export async function developmentSigner(env: NodeJS.ProcessEnv = process.env): Promise<TokenSigner> {
  const key = await developmentSigningKey(env);
  return (identity, expiresIn) => signToken(identity, key, expiresIn);
}
