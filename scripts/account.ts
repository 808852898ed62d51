/**
 * `npm run account -- <command>`: account chores that no API call may do.
 *   create-operator --email E [--name N]  an operator account (the first one, or another); the password
 *                                         comes from OPERATOR_PASSWORD or is asked for (not echoed)
 *   new-signing-key [--keep JSON]         prints a JWK Set for ACCOUNT_SIGNING_KEYS: the keys of --keep,
 *                                         then a fresh key (published, not signing yet: rotation step 1)
 *   promote-signing-key --keys JSON       the last key signs from now on, the others stay published (step 2)
 *   retire-signing-keys --keys JSON       only the signing key is left (step 3, once old tokens expired)
 * create-operator writes to DATABASE_URL, or to the embedded development database (`npm start`'s,
 * running or not).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { formatSigningKeys, generateSigningKey, parseSigningKeys } from '@distribution/auth';
import { ACCOUNT_SCHEMA, createOperator, migrations } from '@distribution/account';
import { DatabaseInUseError, EMBEDDED_DATA_DIR, locateDatabase, migrate, openServiceDatabase, type EmbeddedPostgresHandle } from '@distribution/db';

export const ACCOUNT_USAGE = `Usage: npm run account -- <command>
  create-operator --email E [--name N]   an operator account; password from OPERATOR_PASSWORD or asked for
  new-signing-key [--keep JSON]          a JWK Set for ACCOUNT_SIGNING_KEYS: the kept keys, then a new one
  promote-signing-key --keys JSON        the last key of the set signs, the others stay published
  retire-signing-keys --keys JSON        only the signing (first) key is left`;

/** A command's arguments are wrong; the message says how. */
export class AccountArgumentError extends Error {}

/**
 * Rotation without downtime, in three deployments of ACCOUNT_SIGNING_KEYS (the first key signs, all are published):
 * 1. the current keys, then a new one: published before it signs, so every verifier has it in time;
 * 2. the new key first: it signs, the old one still verifies the tokens it signed;
 * 3. once those have expired, the new key alone.
 */
export async function newSigningKeySet(keep?: string): Promise<string> {
  const kept = keep ? await parseSigningKeys(keep) : [];
  return formatSigningKeys([...kept, await generateSigningKey()]);
}

/** Step 2: the last key of the set signs from now on. */
export async function promoteSigningKey(keys: string): Promise<string> {
  const set = await parseSigningKeys(keys);
  return formatSigningKeys([set.at(-1)!, ...set.slice(0, -1)]);
}

/** Step 3: the signing key alone. */
export async function retireSigningKeys(keys: string): Promise<string> {
  return formatSigningKeys([(await parseSigningKeys(keys))[0]!]);
}

/** The database create-operator writes to: DATABASE_URL, the embedded one `npm start` runs, or the embedded one started here. */
async function databaseUrl(env: NodeJS.ProcessEnv): Promise<{ url: string; embedded: EmbeddedPostgresHandle | null }> {
  try {
    return await locateDatabase(env);
  } catch (error) {
    if (!(error instanceof DatabaseInUseError)) throw error;
    // `npm start` has it running: the lock file's fourth line is its port.
    const port = Number(readFileSync(path.join(EMBEDDED_DATA_DIR, 'postmaster.pid'), 'utf8').split('\n')[3]);
    return { url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`, embedded: null };
  }
}

/** Asks for a password on the terminal without echoing it; a piped stdin gives its first line. */
async function askPassword(prompt: string): Promise<string> {
  const terminal = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY });
  const silent = terminal as unknown as { _writeToOutput(text: string): void };
  const write = silent._writeToOutput.bind(terminal);
  silent._writeToOutput = (text: string) => {
    if (text.includes(prompt)) write(text);
  };
  try {
    return await new Promise<string>((resolve) => terminal.question(prompt, resolve));
  } finally {
    terminal.close();
    if (process.stdin.isTTY) process.stdout.write('\n');
  }
}

export async function createOperatorCommand(options: { email: string; name?: string; password: string }, env: NodeJS.ProcessEnv = process.env): Promise<'created' | 'exists'> {
  const { url, embedded } = await databaseUrl(env);
  const database = await openServiceDatabase({ url, schema: ACCOUNT_SCHEMA, migrations, poolSize: 1 });
  try {
    await migrate(database);
    return await createOperator(database, options);
  } finally {
    await database.close();
    await embedded?.stop();
  }
}

async function main(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: { email: { type: 'string' }, name: { type: 'string' }, keep: { type: 'string' }, keys: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  const command = positionals[0];
  if (values.help || !command) {
    console.log(ACCOUNT_USAGE);
    if (!values.help) process.exitCode = 2;
    return;
  }
  // Only the key set goes to stdout, so that ACCOUNT_SIGNING_KEYS=$(npm run -s account -- new-signing-key) works.
  if (command === 'new-signing-key') return console.log(await newSigningKeySet(values.keep));
  if (command === 'promote-signing-key' || command === 'retire-signing-keys') {
    if (!values.keys) throw new AccountArgumentError('--keys is required: the current ACCOUNT_SIGNING_KEYS');
    return console.log(command === 'promote-signing-key' ? await promoteSigningKey(values.keys) : await retireSigningKeys(values.keys));
  }
  if (command !== 'create-operator') throw new AccountArgumentError(`Unknown command "${command}"`);
  if (!values.email) throw new AccountArgumentError('--email is required');
  const password = process.env.OPERATOR_PASSWORD ?? (await askPassword('Password for the new operator: '));
  const outcome = await createOperatorCommand({ email: values.email, name: values.name, password });
  console.log(outcome === 'created' ? `Operator ${values.email} created: sign in with signIn.` : `${values.email} already has an account; nothing changed.`);
}

// Run only as a script, so that tests can import the helpers above.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    await main(process.argv.slice(2));
  } catch (error) {
    const usage = error instanceof AccountArgumentError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    console.error(usage ? `${(error as Error).message}\n\n${ACCOUNT_USAGE}` : (error as Error).message);
    process.exitCode = usage ? 2 : 1;
  }
}
