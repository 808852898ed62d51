/**
 * `npm run codegen`: writes every generated GraphQL type file (scripts/codegen/outputs.ts says which).
 * With `--check` it writes nothing and prints, as JSON, the files that differ from what it would write
 * (test/codegen-fresh.test.ts runs it so); the exit code is 1 when there is any.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generatedFiles } from './codegen/outputs.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const check = process.argv.includes('--check');

function current(path: string): string | null {
  try {
    return readFileSync(join(root, path), 'utf8');
  } catch {
    return null; // not written yet
  }
}

const files = await generatedFiles(root);
const stale = [...files].filter(([path, content]) => current(path) !== content).map(([path]) => path);
if (check) {
  console.log(JSON.stringify({ files: [...files.keys()], stale }));
  process.exitCode = stale.length > 0 ? 1 : 0;
} else {
  for (const path of stale) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), files.get(path)!);
    console.log(`wrote ${path}`);
  }
}
