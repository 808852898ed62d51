/**
 * Breaking changes between two versions of a schema, and whether SCHEMA_CHANGES.md announces each one
 * (used by `npm run schema:check`, scripts/schema-check.ts).
 */
import { parse, type GraphQLSchema } from 'graphql';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { Supergraph } from '@apollo/federation-internals';
import { CriticalityLevel, diff, type Change } from '@graphql-inspector/core';

/** A subgraph's own SDL (subgraphs/x/src/schema.graphql), or the composed supergraph, which clients see as its API schema. */
export type SchemaKind = 'subgraph' | 'supergraph';

/** One change a client can notice: where (a schema coordinate like `Query.rounds.first`) and what. */
export interface SchemaChange {
  coordinate: string;
  message: string;
}

/** What changed between two versions of one schema, by how much it matters to clients. */
export interface SchemaComparison {
  breaking: SchemaChange[];
  dangerous: SchemaChange[];
}

/** The schema clients are checked against: a subgraph with its federation additions, or the supergraph's API schema. */
export function buildSchema(kind: SchemaKind, sdl: string): GraphQLSchema {
  if (kind === 'subgraph') return buildSubgraphSchema({ typeDefs: parse(sdl) });
  return Supergraph.build(sdl).apiSchema().toGraphQLJSSchema();
}

// `_entities`, `_service`, `_Entity`, `_Any`: the gateway's side of federation, generated from the @key types.
// Their changes follow a change that is reported under its own coordinate.
const isFederationMachinery = (coordinate: string) => coordinate.split('.').some((part) => part.startsWith('_'));

/** Compares two versions of a schema. */
export async function compareSchemas(kind: SchemaKind, before: string, after: string): Promise<SchemaComparison> {
  const changes = await diff(buildSchema(kind, before), buildSchema(kind, after));
  const pick = (level: CriticalityLevel) =>
    changes
      .filter((change) => change.criticality.level === level)
      .map(toSchemaChange)
      .filter((change) => !isFederationMachinery(change.coordinate));
  return { breaking: pick(CriticalityLevel.Breaking), dangerous: pick(CriticalityLevel.Dangerous) };
}

function toSchemaChange(change: Change): SchemaChange {
  return { coordinate: change.path ?? '(schema)', message: change.message };
}

/** An announced change: the coordinate it names and the date heading it stands under. */
export interface ChangeEntry {
  date: string;
  coordinate: string;
  line: string;
}

const DATE_HEADING = /^##\s+(\d{4}-\d{2}-\d{2})\s*$/;
// `- Query.rounds: ...`, with or without backticks; arguments as `Type.field.arg` or `Type.field(arg:)`.
const ENTRY = /^[-*]\s+`?(@?[_A-Za-z][_0-9A-Za-z]*(?:\.[_A-Za-z][_0-9A-Za-z]*)*(?:\([_A-Za-z][_0-9A-Za-z]*:\))?)`?\s*:/;

/** Writes a coordinate the way graphql-inspector names paths: `Type.field(arg:)` becomes `Type.field.arg`. */
export function normalizeCoordinate(coordinate: string): string {
  return coordinate.replace(/\(([_A-Za-z][_0-9A-Za-z]*):\)$/, '.$1');
}

/** The entries of SCHEMA_CHANGES.md: `- <coordinate>: <what and what to do instead>` lines under `## YYYY-MM-DD` headings. */
export function parseChangeLog(text: string): ChangeEntry[] {
  const entries: ChangeEntry[] = [];
  let date: string | null = null;
  let inExample = false;
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    // A fenced block shows the format; its lines announce nothing.
    if (line.startsWith('```')) inExample = !inExample;
    if (inExample) continue;
    const heading = DATE_HEADING.exec(line);
    if (heading) date = heading[1]!;
    else if (line.startsWith('#')) date = null;
    const entry = date ? ENTRY.exec(line) : null;
    if (entry) entries.push({ date: date!, coordinate: normalizeCoordinate(entry[1]!), line });
  }
  return entries;
}

/**
 * The coordinates announced by this change: entries in the log now that were not in it before. An entry
 * from an earlier change does not cover a new break of the same coordinate.
 */
export function announcedSince(logBefore: string | null, logNow: string): Set<string> {
  const earlier = new Set(parseChangeLog(logBefore ?? '').map((entry) => `${entry.date} ${entry.line}`));
  return new Set(
    parseChangeLog(logNow)
      .filter((entry) => !earlier.has(`${entry.date} ${entry.line}`))
      .map((entry) => entry.coordinate),
  );
}

/** The breaking changes that no new entry announces. */
export function unannounced(breaking: readonly SchemaChange[], announced: ReadonlySet<string>): SchemaChange[] {
  return breaking.filter((change) => !announced.has(change.coordinate));
}
