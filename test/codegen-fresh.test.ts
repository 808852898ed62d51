/**
 * The generated GraphQL types are committed: this fails when one of them is not what `npm run codegen`
 * would write from today's schemas and operations. Codegen runs in its own process (under vitest,
 * its plugins could load a second copy of graphql and refuse the schema).
 */
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

async function codegenCheck(): Promise<{ files: string[]; stale: string[] }> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'scripts/codegen.ts', '--check'], { cwd: process.cwd() }).catch((error: { stdout?: string }) => {
    if (!error.stdout) throw error;
    return { stdout: error.stdout };
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!);
}

describe('the committed generated GraphQL types', () => {
  it('are what the schemas and operations give today (run `npm run codegen` when this fails)', async () => {
    const { files, stale } = await codegenCheck();
    expect(files.sort()).toEqual([
      'client-examples/operations/generated/graphql.ts',
      'client-examples/operations/generated/possible-types.ts',
      'subgraphs/account/src/generated/resolvers-types.ts',
      'subgraphs/inventory/src/generated/resolvers-types.ts',
      'subgraphs/manufacturer/src/generated/resolvers-types.ts',
      'subgraphs/order/src/generated/resolvers-types.ts',
    ]);
    expect(stale).toEqual([]);
  }, 60_000);
});
