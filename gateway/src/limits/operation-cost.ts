/**
 * The estimated cost of an operation, with graphql-query-complexity: every field costs 1 and a
 * list multiplies what it selects by the items it may return: `first` on a connection (the
 * subgraphs' default page when absent), a configured estimate for a list without `first`. So
 * `products(first: 20) { edges { node { manufacturer { products(first: 20) ... } } } }` costs
 * 20 × 20 × what each product selects, before any subgraph is asked.
 *
 * Costs are remembered per document and per value of the variables that change them (those in
 * `first` arguments and in @skip/@include): computing one takes graphql-query-complexity ~0.1 ms,
 * a remembered one a map lookup, and the gateway's paths keep one document object per query text.
 */
import { getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';
import { getNullableType, getVariableValues, isListType, visit, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql/index.js';
import type { OperationLimits } from './operation-limits.js';

type CostWeights = Pick<OperationLimits, 'defaultPageSize' | 'unpagedListSize'>;

/** Remembered costs per operation of a document (distinct variable values); the oldest go first. */
const REMEMBERED_PER_OPERATION = 64;

/** The estimator: see the file comment. Introspection is free here (it is off in production, and bounded by the schema). */
export function costEstimator({ defaultPageSize, unpagedListSize }: CostWeights): ComplexityEstimator {
  return ({ field, type, args, childComplexity }) => {
    if (field.name.startsWith('__')) return 0;
    if (field.args.some((arg) => arg.name === 'first')) {
      const first = typeof args.first === 'number' ? args.first : defaultPageSize;
      // A zero or negative `first` is refused by the subgraph; it must not lower the cost of the rest.
      return 1 + Math.max(1, first) * childComplexity;
    }
    // A connection's `edges` were already counted by its `first`.
    if (isListType(getNullableType(field.type)) && !type.name.endsWith('Connection')) return 1 + unpagedListSize * childComplexity;
    return 1 + childComplexity;
  };
}

/** What one operation's cost depends on, and the costs already computed for it. */
interface OperationCosts {
  /** Variables whose values change the cost (in `first` arguments, @skip and @include). */
  inputs: string[];
  byValues: Map<string, number>;
}

/** Thrown (and turned into the cost limit's refusal) when fragments expand a document past the selections it may price. */
export class TooManySelections extends Error {}

export class OperationCostMeter {
  private readonly estimators: ComplexityEstimator[];
  private readonly maxSelections: number;
  private readonly documents = new WeakMap<DocumentNode, { schema: GraphQLSchema; operations: Map<OperationDefinitionNode, OperationCosts> }>();

  /**
   * `maxSelections`: how many selections the library may visit, fragments expanded each time they
   * are spread (~20 µs each). The gateway passes the token limit: fragments may not expand an
   * operation beyond what could be written out inline, and a fragment bomb is refused in milliseconds.
   */
  constructor(weights: CostWeights & { maxSelections: number }) {
    this.estimators = [costEstimator(weights)];
    this.maxSelections = weights.maxSelections;
  }

  /**
   * The cost of `operation` (of `document`) with these variables; undefined when the variables do
   * not fit it (every path refuses those before planning). Throws TooManySelections.
   */
  costOf(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown> | null | undefined): number | undefined {
    let remembered = this.documents.get(document);
    if (!remembered || remembered.schema !== schema) this.documents.set(document, (remembered = { schema, operations: new Map() }));
    let costs = remembered.operations.get(operation);
    if (!costs) remembered.operations.set(operation, (costs = { inputs: costInputs(document), byValues: new Map() }));
    const inputs = variables ?? {};
    // [value] when sent, [] when absent: an absent variable takes its default, an explicit null does not.
    const key = JSON.stringify(costs.inputs.map((input) => (Object.hasOwn(inputs, input) ? [inputs[input]] : [])));
    const known = costs.byValues.get(key);
    if (known !== undefined) return known;

    if (operation.variableDefinitions?.length && getVariableValues(schema, operation.variableDefinitions, inputs).errors) return undefined;
    let cost: number;
    try {
      cost = getComplexity({
        schema,
        query: document,
        operationName: operation.name?.value,
        variables: inputs,
        estimators: this.estimators,
        maxQueryNodes: this.maxSelections,
      });
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('Query exceeds the maximum allowed number of nodes')) throw new TooManySelections();
      throw error;
    }
    if (costs.byValues.size >= REMEMBERED_PER_OPERATION) costs.byValues.delete(costs.byValues.keys().next().value!);
    costs.byValues.set(key, cost);
    return cost;
  }
}

/** Names of the variables used in `first` arguments or in @skip/@include (`if`) anywhere in the document, fragments included. */
function costInputs(document: DocumentNode): string[] {
  const names = new Set<string>();
  let inCostArgument = 0;
  const isCostArgument = (name: string) => name === 'first' || name === 'if';
  visit(document, {
    Argument: {
      enter(node) {
        if (isCostArgument(node.name.value)) inCostArgument++;
      },
      leave(node) {
        if (isCostArgument(node.name.value)) inCostArgument--;
      },
    },
    Variable(node) {
      if (inCostArgument > 0) names.add(node.name.value);
    },
  });
  return [...names].sort();
}
