/**
 * The limits that need only the document (depth, aliases, directives, root fields) as graphql
 * validation rules, so that Apollo Server, the fast path and subscriptions run the same ones.
 * Depth, aliases and directives are graphql-armor's rules, which count through fragments once each.
 */
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { Kind, type ASTVisitor, type SelectionSetNode, type ValidationContext, type ValidationRule } from 'graphql/index.js';
import { limitExceeded, type LimitName } from './limit-errors.js';
import type { OperationLimits } from './operation-limits.js';

/** Hears what each operation measured, accepted or not (tests and tooling; the gateway passes none). */
export type MeasureListener = (limit: LimitName, actual: number | undefined) => void;

/** armor's rejection says "... exceeded, found N." (exposeLimits); N is the figure the client is told. */
function foundIn(message: string): number | undefined {
  const match = /found (\d+)\.$/.exec(message);
  return match ? Number(match[1]) : undefined;
}

/** armor's callbacks, set to report our coded error instead of throwing its own out of validate(). */
function callbacks(limit: LimitName, max: number, measured: MeasureListener | undefined) {
  return {
    n: max,
    exposeLimits: true,
    propagateOnRejection: false,
    onAccept: [(_context: ValidationContext | null, details: { n: number }) => measured?.(limit, details.n)],
    onReject: [
      (context: ValidationContext | null, error: { message: string }) => {
        const actual = foundIn(error.message);
        measured?.(limit, actual);
        context?.reportError(limitExceeded(limit, max, actual));
      },
    ],
  };
}

/** Root fields of an operation, through fragments; `__typename` is free and not counted. */
function rootFieldsRule(max: number, measured: MeasureListener | undefined): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const count = (set: SelectionSetNode, seen: Set<string>): number => {
      let fields = 0;
      for (const selection of set.selections) {
        if (selection.kind === Kind.FIELD) {
          if (selection.name.value !== '__typename') fields++;
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          fields += count(selection.selectionSet, seen);
        } else if (!seen.has(selection.name.value)) {
          // A cycle of fragments is another rule's error; here it must only not loop.
          seen.add(selection.name.value);
          const fragment = context.getFragment(selection.name.value);
          if (fragment) fields += count(fragment.selectionSet, seen);
        }
      }
      return fields;
    };
    return {
      OperationDefinition(operation) {
        const fields = count(operation.selectionSet, new Set());
        measured?.('rootFields', fields);
        if (fields > max) context.reportError(limitExceeded('rootFields', max, fields));
      },
    };
  };
}

/** The rules refusing an operation past `limits`, each with an OPERATION_LIMIT_EXCEEDED error. */
export function operationLimitRules(limits: OperationLimits, measured?: MeasureListener): ValidationRule[] {
  return [
    // Fragments add no level: depth is how far the response nests.
    maxDepthRule({ ...callbacks('depth', limits.depth, measured), flattenFragments: true, ignoreIntrospection: true }) as unknown as ValidationRule,
    maxAliasesRule(callbacks('aliases', limits.aliases, measured)) as unknown as ValidationRule,
    maxDirectivesRule(callbacks('directives', limits.directives, measured)) as unknown as ValidationRule,
    rootFieldsRule(limits.rootFields, measured),
  ];
}
