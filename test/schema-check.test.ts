import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'graphql';
import { composeServices } from '@apollo/composition';
import { announcedSince, compareSchemas, parseChangeLog, unannounced } from '../scripts/schema-changes.js';
import { checkSchemas } from '../scripts/schema-check.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'schema-check');
const fixture = (name: string) => readFileSync(join(fixtures, `${name}.graphql`), 'utf8');
const ROUNDS = fixture('rounds');

function supergraphOf(subgraphSdl: string): string {
  const result = composeServices([{ name: 'rounds', url: 'http://rounds.test/graphql', typeDefs: parse(subgraphSdl) }]);
  if (result.errors) throw new Error(result.errors.map((e) => e.message).join('\n'));
  return result.supergraphSdl;
}

const log = (...entries: string[]) => `# Schema changes\n\n## 2026-12-01\n${entries.join('\n')}\n`;

describe('breaking changes between two versions of a subgraph schema', () => {
  it('finds a removed field', async () => {
    const { breaking } = await compareSchemas('subgraph', ROUNDS, fixture('rounds-status-removed'));
    expect(breaking.map((c) => c.coordinate)).toEqual(['Round.status']);
  });

  it('finds a field whose type changed', async () => {
    const { breaking } = await compareSchemas('subgraph', ROUNDS, fixture('rounds-number-string'));
    expect(breaking.map((c) => c.coordinate)).toEqual(['Round.number']);
  });

  it('lets an optional argument be added', async () => {
    const { breaking } = await compareSchemas('subgraph', ROUNDS, fixture('rounds-optional-after'));
    expect(breaking).toEqual([]);
  });

  it('finds a required argument added', async () => {
    const { breaking } = await compareSchemas('subgraph', ROUNDS, fixture('rounds-required-after'));
    expect(breaking.map((c) => c.coordinate)).toEqual(['Query.rounds.after']);
  });

  it('sees the same removal in the supergraph as clients see it, without federation machinery', async () => {
    const { breaking } = await compareSchemas('supergraph', supergraphOf(ROUNDS), supergraphOf(fixture('rounds-status-removed')));
    expect(breaking.map((c) => c.coordinate)).toEqual(['Round.status']);
    expect((await compareSchemas('supergraph', supergraphOf(ROUNDS), supergraphOf(ROUNDS))).breaking).toEqual([]);
  });
});

describe('SCHEMA_CHANGES.md', () => {
  it('reads dated entries naming a coordinate, with or without backticks, arguments in either spelling', () => {
    const text = [
      '# Schema changes',
      '- Query.outside: not under a date, does not count',
      '```md',
      '## 2026-11-30',
      '- Query.example: in a fenced example, does not count',
      '```',
      '## 2026-12-01',
      '- `Round.status`: removed; read Round.closedAt instead.',
      '- Query.rounds(after:): now required.',
      '* RoundStatus.SETTLED: removed.',
      'Some prose naming Round.number: not an entry.',
    ].join('\n');
    expect(parseChangeLog(text).map((e) => [e.date, e.coordinate])).toEqual([
      ['2026-12-01', 'Round.status'],
      ['2026-12-01', 'Query.rounds.after'],
      ['2026-12-01', 'RoundStatus.SETTLED'],
    ]);
  });

  it('counts only entries added since the base: an old entry does not cover a new break of the same coordinate', () => {
    const before = log('- Round.status: removed.');
    expect([...announcedSince(before, before)]).toEqual([]);
    expect([...announcedSince(before, `${before}\n## 2026-12-02\n- Round.status: removed again.\n`)]).toEqual(['Round.status']);
    expect([...announcedSince(null, before)]).toEqual(['Round.status']);
  });

  it('leaves the breaking changes no entry announces', () => {
    const breaking = [
      { coordinate: 'Round.status', message: 'removed' },
      { coordinate: 'Round.number', message: 'type changed' },
    ];
    expect(unannounced(breaking, new Set(['Round.status'])).map((c) => c.coordinate)).toEqual(['Round.number']);
  });
});

describe('npm run schema:check against the previous commit', () => {
  let repo: string | undefined;
  afterEach(() => {
    if (repo) rmSync(repo, { recursive: true, force: true });
    repo = undefined;
  });

  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', ...args], { cwd: repo, encoding: 'utf8', timeout: 30_000 });
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(repo!, path)), { recursive: true });
    writeFileSync(join(repo!, path), text);
  };
  const commitSchema = (sdl: string, changeLog: string, message: string) => {
    write('subgraphs/rounds/src/schema.graphql', sdl);
    write('gateway/supergraph.graphql', supergraphOf(sdl));
    write('SCHEMA_CHANGES.md', changeLog);
    git('add', '-A');
    git('commit', '-q', '--allow-empty', '-m', message);
  };
  const check = async () => {
    const lines: string[] = [];
    const code = await checkSchemas(repo!, { base: 'HEAD~1' }, (line) => lines.push(line));
    return { code, output: lines.join('\n') };
  };

  function startRepo() {
    repo = mkdtempSync(join(tmpdir(), 'schema-check-'));
    git('init', '-q');
    commitSchema(ROUNDS, log(), 'rounds');
  }

  it('fails on a removed field that SCHEMA_CHANGES.md does not announce, naming it in both schemas', async () => {
    startRepo();
    commitSchema(fixture('rounds-status-removed'), log(), 'drop status');
    const { code, output } = await check();
    expect(code).toBe(1);
    expect(output).toContain('subgraphs/rounds/src/schema.graphql: breaking, NOT ANNOUNCED: Round.status');
    expect(output).toContain('gateway/supergraph.graphql: breaking, NOT ANNOUNCED: Round.status');
    expect(output).toContain('- Round.status: ');
  });

  it('passes when the same commit announces it', async () => {
    startRepo();
    commitSchema(fixture('rounds-status-removed'), log('- Round.status: removed; rounds say CLOSED through closedAt.'), 'drop status, announced');
    expect(await check()).toMatchObject({ code: 0 });
  });

  it('passes an added optional argument without an entry', async () => {
    startRepo();
    commitSchema(fixture('rounds-optional-after'), log(), 'page rounds');
    expect(await check()).toMatchObject({ code: 0 });
  });

  it('checks the working tree, as CI has it, against the last commit', async () => {
    startRepo();
    commitSchema(ROUNDS, log(), 'unchanged');
    write('subgraphs/rounds/src/schema.graphql', fixture('rounds-number-string'));
    const { code, output } = await check();
    expect(code).toBe(1);
    expect(output).toContain('NOT ANNOUNCED: Round.number');
  });
});
