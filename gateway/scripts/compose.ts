/** `npm run compose`: writes gateway/supergraph.graphql from the subgraphs' schema files, or exits 1 with the errors. */
import { writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { composeSupergraph } from '../src/supergraph.js';

const gatewayDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const root = join(gatewayDir, '..');
const output = join(gatewayDir, 'supergraph.graphql');

try {
  const { supergraphSdl, hints } = composeSupergraph(root);
  // Hints are advice (e.g. an inconsistent description), not failures: show them without failing.
  for (const hint of hints) console.warn(`hint: ${hint}`);
  writeFileSync(output, supergraphSdl);
  console.log(`Wrote ${relative(process.cwd(), output) || output}`);
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
}
