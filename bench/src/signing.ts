/**
 * The bench's token signing key: made once per run in the runner and handed to its child processes
 * through BENCH_SIGNING_KEYS (they inherit the runner's environment), so that the account service
 * signs with it, every gateway verifies with its public half, and fixtures mint tokens for any caller.
 */
import { KeyRing, formatSigningKeys, generateSigningKey, parseSigningKeys, type Identity } from '@distribution/auth';

const VARIABLE = 'BENCH_SIGNING_KEYS';
let ring: Promise<KeyRing> | undefined;

/** The run's key ring: from the environment in a child, made (and put there) in the runner. */
export function benchKeys(): Promise<KeyRing> {
  return (ring ??= (async () => {
    const given = process.env[VARIABLE];
    if (given) return new KeyRing(await parseSigningKeys(given));
    const keys = [await generateSigningKey()];
    process.env[VARIABLE] = formatSigningKeys(keys);
    return new KeyRing(keys);
  })());
}

/** A token for any caller of the bench, signed with the run's key. */
export async function benchToken(identity: Identity): Promise<string> {
  return (await benchKeys()).sign(identity, 24 * 3600);
}
