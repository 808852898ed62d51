/**
 * Where the account service's signing keys come from. Production: ACCOUNT_SIGNING_KEYS, a JWK Set
 * of private Ed25519 keys (the first signs, all are published). Development: a key file under
 * `.data/` made on first use (mode 0600), which `npm run token` signs with too, so the gateway
 * accepts development tokens through the same JWKS as real ones.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatSigningKeys, generateSigningKey, parseSigningKeys, type SigningKey } from '@distribution/auth';

/**
 * The repository: the nearest folder above this module with package-lock.json. Searched, not a fixed
 * number of `../`, because the module runs from src/keys/ under tsx and from the dist/ bundle when built.
 */
function repositoryRoot(): string {
  let folder = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(folder, 'package-lock.json')) && dirname(folder) !== folder) folder = dirname(folder);
  return folder;
}

/** `<repository>/.data/signing-keys.json`, whatever the working directory. */
export const DEVELOPMENT_KEY_FILE = join(repositoryRoot(), '.data', 'signing-keys.json');

/** The keys of ACCOUNT_SIGNING_KEYS when given, else those of the development key file (made when missing). */
export async function loadSigningKeys({ keysJson, keyFile = DEVELOPMENT_KEY_FILE }: { keysJson?: string; keyFile?: string }): Promise<SigningKey[]> {
  if (keysJson) return parseSigningKeys(keysJson);
  return developmentSigningKeys(keyFile);
}

/** Reads the development key file, or writes a new key to it; two processes starting at once agree on one. */
export async function developmentSigningKeys(file = DEVELOPMENT_KEY_FILE): Promise<SigningKey[]> {
  try {
    return await parseSigningKeys(readFileSync(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`${file}: ${(error as Error).message}`);
  }
  const keys = [await generateSigningKey()];
  mkdirSync(dirname(file), { recursive: true });
  try {
    writeFileSync(file, `${formatSigningKeys(keys)}\n`, { flag: 'wx', mode: 0o600 });
    return keys;
  } catch (error) {
    // Someone else wrote it first: theirs is the key.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return parseSigningKeys(readFileSync(file, 'utf8'));
    throw error;
  }
}
