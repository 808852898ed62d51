/**
 * `npm run schema:check [-- --base REV] [--head REV]`: fails when a subgraph schema or the supergraph's API
 * schema breaks clients compared with the previous commit of main (HEAD~1: on a merge commit, main before
 * the merge), unless each breaking change has a new entry in SCHEMA_CHANGES.md. SCHEMA_BASE=REV sets the
 * base as --base does (a CI that checks a push of several commits gives the commit before the push).
 * Without --head the working tree is checked, as CI's clone of main has it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { announcedSince, compareSchemas, unannounced, type SchemaKind } from './schema-changes.js';

const CHANGE_LOG = 'SCHEMA_CHANGES.md';
const SUPERGRAPH = 'gateway/supergraph.graphql';
const GIT_TIMEOUT_MS = 30_000;

/** One version of the repository's files: a commit, or the working tree when `rev` is null. */
interface Version {
  rev: string | null;
  read(path: string): string | null;
  subgraphSchemas(): string[];
}

function git(root: string, args: string[]): string {
  return execFileSync('git', args, { cwd: root, encoding: 'utf8', timeout: GIT_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
}

function tryGit(root: string, args: string[]): string | null {
  try {
    return git(root, args);
  } catch {
    return null;
  }
}

const SUBGRAPH_SCHEMA = /^subgraphs\/[^/]+\/src\/schema\.graphql$/;

function committed(root: string, rev: string): Version {
  return {
    rev,
    read: (path) => tryGit(root, ['show', `${rev}:${path}`]),
    subgraphSchemas: () =>
      git(root, ['ls-tree', '-r', '--name-only', rev, '--', 'subgraphs'])
        .split('\n')
        .filter((path) => SUBGRAPH_SCHEMA.test(path)),
  };
}

function workingTree(root: string): Version {
  return {
    rev: null,
    read: (path) => (existsSync(join(root, path)) ? readFileSync(join(root, path), 'utf8') : null),
    subgraphSchemas: () =>
      readdirSync(join(root, 'subgraphs'))
        .map((name) => `subgraphs/${name}/src/schema.graphql`)
        .filter((path) => existsSync(join(root, path))),
  };
}

/** The commit to compare with, fetching one more commit when CI cloned only the tip; null on a first commit. */
function resolveBase(root: string, base: string): string | null {
  const resolve = () => tryGit(root, ['rev-parse', '--verify', '--quiet', `${base}^{commit}`])?.trim() || null;
  let commit = resolve();
  if (!commit && tryGit(root, ['rev-parse', '--is-shallow-repository'])?.trim() === 'true') {
    tryGit(root, ['fetch', '--quiet', '--deepen=1']);
    commit = resolve();
  }
  if (!commit && base === 'HEAD~1' && tryGit(root, ['rev-list', '--count', 'HEAD'])?.trim() === '1') return null;
  if (!commit) throw new Error(`schema check: cannot find the base commit ${base} (a shallow clone? set SCHEMA_BASE or fetch more history)`);
  return commit;
}

/** Every schema to compare: the subgraphs present in either version, then the supergraph. */
function schemasOf(before: Version, after: Version): Array<{ path: string; kind: SchemaKind }> {
  const subgraphs = [...new Set([...before.subgraphSchemas(), ...after.subgraphSchemas()])].sort();
  return [...subgraphs.map((path) => ({ path, kind: 'subgraph' as const })), { path: SUPERGRAPH, kind: 'supergraph' as const }];
}

/** Runs the check and prints its findings; resolves to the process exit code. */
export async function checkSchemas(root: string, options: { base: string; head?: string }, print: (line: string) => void = console.log): Promise<number> {
  const baseCommit = resolveBase(root, options.base);
  if (!baseCommit) {
    print('schema check: the first commit has nothing before it to compare with');
    return 0;
  }
  const before = committed(root, baseCommit);
  const after = options.head ? committed(root, options.head) : workingTree(root);
  const announced = announcedSince(before.read(CHANGE_LOG), after.read(CHANGE_LOG) ?? '');
  const missing: string[] = [];
  let failed = false;
  for (const { path, kind } of schemasOf(before, after)) {
    const sdlBefore = before.read(path);
    const sdlAfter = after.read(path);
    if (sdlAfter === null) {
      if (sdlBefore === null) continue;
      // A subgraph folded into another is judged by what clients see: the supergraph's API schema below.
      print(`${path}: removed${kind === 'subgraph' ? '' : '; nothing to check the API against'}`);
      if (kind === 'supergraph') failed = true;
      continue;
    }
    if (sdlBefore === null) {
      print(`${path}: new`);
      continue;
    }
    let comparison;
    try {
      comparison = await compareSchemas(kind, sdlBefore, sdlAfter);
    } catch (error) {
      print(`${path}: cannot be compared: ${(error as Error).message}`);
      failed = true;
      continue;
    }
    for (const change of comparison.dangerous) print(`${path}: dangerous (allowed): ${change.coordinate}: ${change.message}`);
    const unlisted = new Set(unannounced(comparison.breaking, announced));
    for (const change of comparison.breaking) {
      print(`${path}: breaking, ${unlisted.has(change) ? 'NOT ANNOUNCED' : 'announced'}: ${change.coordinate}: ${change.message}`);
      if (unlisted.has(change)) missing.push(`- ${change.coordinate}: ${change.message}; <what clients do instead>`);
    }
  }
  const against = `${options.head ?? 'the working tree'} against ${options.base} (${baseCommit.slice(0, 12)})`;
  // A change a subgraph makes usually shows in the supergraph too: one entry covers both.
  const entries = [...new Set(missing)];
  if (entries.length > 0) {
    print(`\nschema check failed (${against}): ${entries.length} breaking change(s) not announced in ${CHANGE_LOG}. Add, under today's date:`);
    print(`\n## ${new Date().toISOString().slice(0, 10)}\n${entries.join('\n')}`);
    return 1;
  }
  if (failed) return 1;
  print(`schema check passed (${against})`);
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { base: { type: 'string' }, head: { type: 'string' } }, strict: true });
  const base = values.base ?? process.env.SCHEMA_BASE ?? 'HEAD~1';
  const root = git(process.cwd(), ['rev-parse', '--show-toplevel']).trim();
  checkSchemas(root, { base, head: values.head }).then(
    (code) => (process.exitCode = code),
    (error: Error) => {
      console.error(error.message);
      process.exitCode = 1;
    },
  );
}
