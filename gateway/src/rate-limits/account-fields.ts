/**
 * Which account mutations an operation would run, and for which account: read from the parsed
 * document, so that aliases (`a: registerCustomer … b: registerCustomer …`) and fragments on
 * Mutation each count, as each would create an account.
 */
import { Kind, valueFromASTUntyped, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';

/** One account mutation in an operation. */
export interface AccountField {
  field: string;
  /** The account the input names (`input.email`, lower-cased), when it names one: the identity of an anonymous caller. */
  account?: string;
}

/**
 * Every root field of `operation` (a mutation) whose name is in `accountMutations`, once per response
 * key: GraphQL merges fields with the same key (they must have the same arguments) and runs them once.
 */
export function accountFieldsOf(
  document: DocumentNode,
  operation: OperationDefinitionNode,
  accountMutations: ReadonlySet<string>,
  variables: Readonly<Record<string, unknown>> | undefined,
): AccountField[] {
  if (operation.operation !== 'mutation' || accountMutations.size === 0) return [];
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const found = new Map<string, AccountField>();
  const visited = new Set<string>();
  const walk = (selectionSet: SelectionSetNode) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const field = selection.name.value;
        const responseKey = selection.alias?.value ?? field;
        if (!accountMutations.has(field) || found.has(responseKey)) continue;
        const input = selection.arguments?.find((argument) => argument.name.value === 'input');
        found.set(responseKey, { field, account: input ? accountNamed(valueFromASTUntyped(input.value, variables as Record<string, unknown>)) : undefined });
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(selection.selectionSet);
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        // Valid documents have no fragment cycles; the guard keeps an invalid one from looping here.
        if (!fragment || visited.has(name)) continue;
        visited.add(name);
        walk(fragment.selectionSet);
        visited.delete(name);
      }
    }
  };
  walk(operation.selectionSet);
  return [...found.values()];
}

function accountNamed(input: unknown): string | undefined {
  if (typeof input !== 'object' || input === null) return undefined;
  const email = (input as { email?: unknown }).email;
  // Bounded: the key goes to Redis, and the subgraph refuses anything longer anyway.
  return typeof email === 'string' && email.length > 0 ? email.trim().toLowerCase().slice(0, 254) : undefined;
}
