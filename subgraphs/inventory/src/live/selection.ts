/** What a subscription's operation selects, read before it starts (so that a private field is refused up front). */
import { Kind, type FragmentDefinitionNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

/** Whether the root field being resolved selects `name` directly (through fragments and aliases too). */
export function selectsField(info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>, name: string): boolean {
  const seen = new Set<string>();
  const inSet = (set: SelectionSetNode | undefined): boolean =>
    (set?.selections ?? []).some((selection) => {
      switch (selection.kind) {
        case Kind.FIELD:
          return selection.name.value === name;
        case Kind.INLINE_FRAGMENT:
          return inSet(selection.selectionSet);
        case Kind.FRAGMENT_SPREAD: {
          const fragmentName = selection.name.value;
          if (seen.has(fragmentName)) return false;
          seen.add(fragmentName);
          const fragment: FragmentDefinitionNode | undefined = info.fragments[fragmentName];
          return inSet(fragment?.selectionSet);
        }
        default:
          return false;
      }
    });
  return info.fieldNodes.some((node) => inSet(node.selectionSet));
}
