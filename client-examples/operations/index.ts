/** Every public operation of the API, one `.graphql` file each; this module reads them by name (Node clients, scripts, tests). */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const OPERATIONS_DIR = dirname(fileURLToPath(import.meta.url));

/** The names of the operation files, without `.graphql`, alphabetically. */
export function operationNames(): string[] {
  return readdirSync(OPERATIONS_DIR)
    .filter((f) => f.endsWith('.graphql'))
    .map((f) => f.slice(0, -'.graphql'.length))
    .sort();
}

const cache = new Map<string, string>();

/** The text of one operation, e.g. `operation('Offers')`. */
export function operation(name: string): string {
  let text = cache.get(name);
  if (text === undefined) {
    try {
      text = readFileSync(join(OPERATIONS_DIR, `${name}.graphql`), 'utf8');
    } catch {
      throw new Error(`No operation named ${name} in ${OPERATIONS_DIR} (have: ${operationNames().join(', ')})`);
    }
    cache.set(name, text);
  }
  return text;
}
