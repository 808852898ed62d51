// A service started in production with a secret anyone can read refuses to start, and says why in a few lines.
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { DEVELOPMENT_DEFAULTS } from '@distribution/config';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');

/** Runs a service's main.ts with only `variables` set; resolves with its exit code and output. */
function start(main: string, variables: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(tsx, [path.join(root, main)], { cwd: root, env: { PATH: process.env.PATH, NODE_ENV: 'production', ...variables }, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
    });
  });
}

const subgraphUrls = {
  MANUFACTURER_URL: 'http://manufacturer:4001/graphql',
  INVENTORY_URL: 'http://inventory:4002/graphql',
  ORDER_URL: 'http://order:4003/graphql',
  ACCOUNT_URL: 'http://account:4004/graphql',
};
const databaseUrl = { DATABASE_URL: 'postgres://distribution:pw@127.0.0.1:1/distribution' };

// The gateway and one subgraph: the others load their settings the same way (loadSubgraphConfig),
// and test/compose.test.ts checks each one's refusal in-process.
describe.each([
  { service: 'gateway', main: 'gateway/src/main.ts', others: subgraphUrls, secrets: ['INTERNAL_CREDENTIAL'] },
  { service: 'order', main: 'subgraphs/order/src/main.ts', others: databaseUrl, secrets: ['INTERNAL_CREDENTIAL'] },
])('the $service process in production', ({ main, others, secrets }) => {
  it('refuses the development secrets: exit 2, one line per secret, no stack trace', { timeout: 90_000 }, async () => {
    const { code, stdout, stderr } = await start(main, {
      ...others,
      INTERNAL_CREDENTIAL: DEVELOPMENT_DEFAULTS.internalCredential,
    });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    const lines = stderr.trimEnd().split('\n');
    expect(lines[0]).toBe('Invalid configuration:');
    expect(lines.slice(1).map((line) => line.replace(/^ {2}- (\w+): .*$/, '$1'))).toEqual(secrets);
    for (const line of lines.slice(1)) expect(line).toMatch(/published development value; generate one with `openssl rand -base64 48`$/);
    expect(stderr).not.toMatch(/^\s+at /m);
  });
});
