/** Composes the subgraphs' SDL files into one supergraph, in-process (used by the compose script and by tests). */
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse, type GraphQLError } from 'graphql';
import { composeServices } from '@apollo/composition';

export interface SubgraphSource {
  name: string;
  /** Routing URL written into the supergraph; the gateway may override it from its config. */
  url: string;
}

/** The subgraphs and where they listen locally (`npm start`). */
export const SUBGRAPHS: readonly SubgraphSource[] = [
  { name: 'manufacturer', url: 'http://localhost:4001/graphql' },
  { name: 'inventory', url: 'http://localhost:4002/graphql' },
  { name: 'order', url: 'http://localhost:4003/graphql' },
  { name: 'account', url: 'http://localhost:4004/graphql' },
];

/** Composition failed; `message` lists every error with its code, ready to print. */
export class CompositionError extends Error {
  constructor(public readonly errors: readonly GraphQLError[]) {
    super(`Supergraph composition failed with ${errors.length} error(s):\n${errors.map(describe).join('\n')}`);
    this.name = 'CompositionError';
  }
}

function describe(error: GraphQLError): string {
  const code = error.extensions?.code;
  return `  - ${code ? `[${String(code)}] ` : ''}${error.message}`;
}

export function schemaPath(root: string, name: string): string {
  return join(root, 'subgraphs', name, 'src', 'schema.graphql');
}

/**
 * Reads `<root>/subgraphs/<name>/src/schema.graphql` for each subgraph and composes them.
 * Throws CompositionError (or an Error naming the unreadable file) instead of returning a half result.
 */
export function composeSupergraph(root: string, subgraphs: readonly SubgraphSource[] = SUBGRAPHS): { supergraphSdl: string; hints: string[] } {
  const services = subgraphs.map(({ name, url }) => {
    const path = schemaPath(root, name);
    if (!existsSync(path)) throw new Error(`The ${name} subgraph has no schema at ${path}`);
    try {
      return { name, url, typeDefs: parse(readFileSync(path, 'utf8')) };
    } catch (error) {
      // A syntax error is reported with the file it came from, not just a line number.
      throw new Error(`${path}: ${(error as Error).message}`);
    }
  });
  const result = composeServices(services);
  if (result.errors) throw new CompositionError(result.errors);
  return { supergraphSdl: result.supergraphSdl, hints: result.hints.map((hint) => hint.toString()) };
}
