/**
 * Password hashing: argon2id through @node-rs/argon2, with OWASP's parameters (19 MiB, 2 passes,
 * 1 lane). An unknown email is checked against a dummy hash made the same way, so that a sign-in
 * costs the same time whether or not the account exists.
 */
import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

/** argon2id is the library's default algorithm; the costs are spelled out so a reader sees them. */
export const PASSWORD_HASHING = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

let dummyHash: Promise<string> | undefined;

/** The PHC string to store for `password` (algorithm, costs and salt travel with it). */
export function hashPassword(password: string): Promise<string> {
  return hash(password, PASSWORD_HASHING);
}

/** Whether `password` is the one `stored` was made from; with no stored hash, a dummy check of equal cost, then false. */
export async function passwordMatches(stored: string | null | undefined, password: string): Promise<boolean> {
  if (!stored) {
    await verify(await (dummyHash ??= hashPassword(randomBytes(24).toString('base64'))), password).catch(() => false);
    return false;
  }
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}
