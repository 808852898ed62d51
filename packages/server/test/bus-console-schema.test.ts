import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { busConsoleSdl } from '../src/bus-console/resolvers.js';

const schemaOf = (service: string) => readFileSync(new URL(`../../../subgraphs/${service}/src/schema.graphql`, import.meta.url), 'utf8');

describe("the bus console's types", () => {
  it.each(['inventory', 'order', 'manufacturer'])('are declared by the %s subgraph exactly as the template says (shareable types must agree)', (service) => {
    expect(schemaOf(service)).toContain(busConsoleSdl(service));
  });
});
