/** What a password, an email and a name must be: checked before anything is hashed or stored. */
import { COMMON_PASSWORDS } from './common-passwords.js';

export const PASSWORD_MIN_LENGTH = 10;
/** Long passphrases are welcome; this only bounds the hashing work one request can ask for. */
export const PASSWORD_MAX_LENGTH = 200;
export const EMAIL_MAX_LENGTH = 254;
export const NAME_MAX_LENGTH = 200;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
// Control characters only: spaces, symbols and every script are fine in a password.
const CONTROL = /\p{Cc}/u;

/** Why `password` will not do, in a sentence for the person choosing it, or null when it will. */
export function passwordProblem(password: string, email?: string): string | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return `The password must have at least ${PASSWORD_MIN_LENGTH} characters`;
  if (length > PASSWORD_MAX_LENGTH) return `The password must have at most ${PASSWORD_MAX_LENGTH} characters`;
  if (CONTROL.test(password)) return 'The password must not contain control characters';
  const plain = password.toLowerCase().replace(/\s+/g, '');
  if (COMMON_PASSWORDS.has(plain)) return 'This password is among the most common ones; choose another';
  if (email && (plain === email.trim().toLowerCase() || plain === email.trim().toLowerCase().split('@')[0])) return 'The password must not be the email address';
  return null;
}

/** The email as stored (trimmed), or null when it is not an address. */
export function checkedEmail(email: string): string | null {
  const trimmed = email.trim();
  return trimmed.length <= EMAIL_MAX_LENGTH && EMAIL.test(trimmed) && !CONTROL.test(trimmed) ? trimmed : null;
}

/** The name as stored (trimmed), or null when it is empty or too long. */
export function checkedName(name: string): string | null {
  const trimmed = name.trim();
  return trimmed.length > 0 && trimmed.length <= NAME_MAX_LENGTH && !CONTROL.test(trimmed) ? trimmed : null;
}
