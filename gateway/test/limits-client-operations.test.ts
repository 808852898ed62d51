/**
 * The default limits leave room for every public operation: each operation of
 * client-examples/operations, measured with the gateway's own rules against the served supergraph,
 * asks at most half of every limit (the costliest are printed), and the subgraph fetches the gateway
 * plans for them, or for an operation at the gateway's depth limit, stay within the subgraphs' own.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { buildSchema, parse, validate, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql/index.js';
import { Supergraph, operationFromDocument } from '@apollo/federation-internals';
import { QueryPlanner, type PlanNode, type SubscriptionNode } from '@apollo/query-planner';
import { DEFAULT_SUBGRAPH_MAX_DEPTH, depthLimitRule } from '@distribution/server';
import { operation as operationText, operationNames } from '../../client-examples/operations/index.js';
import { DEFAULT_OPERATION_LIMITS, OperationGuard, type LimitName, type OperationMeasures } from '../src/limits/index.js';
import { loadServiceConfig } from '../src/config.js';
import { sampleVariables } from './fixtures/sample-variables.js';

const supergraph = Supergraph.build(readFileSync(loadServiceConfig({}).supergraphPath, 'utf8'));
const apiSchema = supergraph.apiSchema();
const schema = apiSchema.toGraphQLJSSchema() as unknown as GraphQLSchema;
const planner = new QueryPlanner(supergraph);
const guard = new OperationGuard();
const LIMITS: LimitName[] = ['documentBytes', 'tokens', 'depth', 'aliases', 'rootFields', 'directives', 'cost'];
/** The largest page a subgraph serves (packages/server pageSize): what the simulator and seed ask for. */
const MAX_PAGE = 100;

interface Measured {
  name: string;
  source: string;
  document: DocumentNode;
  operation: OperationDefinitionNode;
  measures: OperationMeasures;
}

const operations: Measured[] = operationNames().map((name) => {
  const source = operationText(name);
  const document = parse(source);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition')!;
  return { name, source, document, operation, measures: guard.measure(schema, source, document, operation, sampleVariables(schema, operation)) };
});

const ANY_SCHEMA = buildSchema('type Query { unused: Int }');

/** Depth of an operation as the subgraphs count it: their own rule, at a limit of 1, reports it. */
function subgraphDepth(text: string): number {
  const [error] = validate(ANY_SCHEMA, parse(text), [depthLimitRule(1)]);
  return error ? Number(error.extensions.actual) : 1;
}

function fetchOperations(node: PlanNode | SubscriptionNode | undefined): string[] {
  if (!node) return [];
  switch (node.kind) {
    case 'Fetch':
      return [node.operation];
    case 'Sequence':
    case 'Parallel':
      return node.nodes.flatMap(fetchOperations);
    case 'Flatten':
      return fetchOperations(node.node);
    case 'Subscription':
      return [...fetchOperations(node.primary), ...fetchOperations(node.rest)];
    case 'Condition':
      return [...fetchOperations(node.ifClause), ...fetchOperations(node.elseClause)];
    case 'Defer':
      return [...fetchOperations(node.primary.node), ...node.deferred.flatMap((d) => fetchOperations(d.node))];
  }
}

function deepestFetch(source: string): number {
  const plan = planner.buildQueryPlan(operationFromDocument(apiSchema, parse(source) as never, {}));
  return Math.max(0, ...fetchOperations(plan.node).map(subgraphDepth));
}

describe('the default operation limits and the public operations', () => {
  it('every operation asks at most half of each limit', () => {
    const table = operations.map(({ name, measures }) => ({ name, ...measures })).sort((a, b) => (b.cost ?? 0) - (a.cost ?? 0));
    console.log('Client operations against the default limits, costliest first:');
    console.table(table.slice(0, 8));
    for (const { name, measures } of operations) {
      for (const limit of LIMITS) {
        expect(measures[limit], `${name}: ${limit} measured`).toBeTypeOf('number');
        expect(measures[limit]!, `${name}: ${limit}`).toBeLessThanOrEqual(DEFAULT_OPERATION_LIMITS[limit] / 2);
      }
    }
  });

  it('every operation stays within the cost limit at the largest page a subgraph serves', () => {
    for (const { name, document, operation } of operations) {
      expect(guard.costError(schema, document, operation, sampleVariables(schema, operation, MAX_PAGE)), name).toBeUndefined();
    }
  });

  it("the subgraph fetches the gateway plans for them are within the subgraphs' depth limit", () => {
    const depths = operations
      .filter(({ operation }) => operation.operation !== 'subscription' || schema.getSubscriptionType())
      .map(({ name, source }) => ({ name, deepestFetch: deepestFetch(source) }));
    console.log('Deepest subgraph fetch per operation:', depths.sort((a, b) => b.deepestFetch - a.deepestFetch).slice(0, 3));
    for (const { name, deepestFetch: depth } of depths) expect(depth, name).toBeLessThanOrEqual(DEFAULT_SUBGRAPH_MAX_DEPTH);
  });

  it("an operation at the gateway's depth limit plans into fetches the subgraphs accept", () => {
    // product -> manufacturer -> products -> edges -> node -> manufacturer ... across two subgraphs, with stock from a third.
    let selection = 'stock { available }';
    let depth = 2;
    while (depth + 4 <= DEFAULT_OPERATION_LIMITS.depth) {
      selection = `manufacturer { products(first: 1) { edges { node { ${selection} } } } }`;
      depth += 4;
    }
    const source = `{ product(id: "p1") { ${selection} } }`;
    const measured = guard.measure(schema, source, parse(source), parse(source).definitions[0] as OperationDefinitionNode);
    expect(measured.depth).toBe(depth + 1);
    expect(measured.depth).toBeLessThanOrEqual(DEFAULT_OPERATION_LIMITS.depth);
    expect(deepestFetch(source)).toBeLessThanOrEqual(DEFAULT_SUBGRAPH_MAX_DEPTH);
  });
});
