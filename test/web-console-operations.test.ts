/**
 * The operations only the page's operator console and manufacturer view use
 * (client-examples/web/src/console/operations) are valid against the API clients see, and the page
 * loads every one of them: a file that drifts from the schema, or one left unused, fails here.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { buildSchema, parse, validate } from 'graphql';
import { Supergraph, printSchema } from '@apollo/federation-internals';
import { SUPERGRAPH_PATH } from '../scripts/local-network.js';

const DIR = path.resolve('client-examples/web/src/console/operations');
const LOADER = readFileSync(path.resolve('client-examples/web/src/console/operations.ts'), 'utf8');
const api = buildSchema(printSchema(Supergraph.build(readFileSync(SUPERGRAPH_PATH, 'utf8')).apiSchema()));
const files = readdirSync(DIR).filter((f) => f.endsWith('.graphql'));

describe("the console's operations", () => {
  it.each(files)('%s is valid against the API schema, named after its file, and loaded by the page', (file) => {
    const document = parse(readFileSync(path.join(DIR, file), 'utf8'));
    expect(validate(api, document).map((e) => e.message)).toEqual([]);
    const name = file.slice(0, -'.graphql'.length);
    expect(document.definitions.map((d) => (d.kind === 'OperationDefinition' ? d.name?.value : undefined))).toEqual([name]);
    expect(LOADER).toContain(`op('${name}')`);
  });
});
