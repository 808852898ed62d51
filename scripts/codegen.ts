/** `npm run codegen`: writes every generated GraphQL type file (scripts/codegen/outputs.ts says which). */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generatedFiles } from './codegen/outputs.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
for (const [path, content] of await generatedFiles(root)) {
  const target = join(root, path);
  let current: string | null = null;
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    // not written yet
  }
  if (current === content) continue;
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, content);
  console.log(`wrote ${path}`);
}
