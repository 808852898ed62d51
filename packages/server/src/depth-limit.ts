/**
 * Internal to startSubgraph: subgraphs refuse operations nested deeper than any the gateway sends.
 * The gateway holds clients to its own MAX_OPERATION_DEPTH; a fetch it plans selects part of the
 * client's operation, and an `_entities` fetch adds one level. This is the defence for a subgraph
 * reached without the gateway's limits (a leaked internal credential, a misrouted request).
 */
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
// The build of graphql that Apollo Server and graphql-ws load (see ws-graphql.ts).
import { GraphQLError, type ValidationContext, type ValidationRule } from 'graphql/index.js';
import { ErrorCode } from '@distribution/errors';

/** Above the gateway's default MAX_OPERATION_DEPTH (15) with room for `_entities` and a raised gateway limit. */
export const DEFAULT_SUBGRAPH_MAX_DEPTH = 24;

/** graphql-armor's depth rule (fragments add no level), reporting a coded error instead of throwing out of validate(). */
export function depthLimitRule(max: number): ValidationRule {
  return maxDepthRule({
    n: max,
    flattenFragments: true,
    ignoreIntrospection: true,
    exposeLimits: true,
    propagateOnRejection: false,
    onReject: [
      (context: ValidationContext | null, error: { message: string }) => {
        const actual = /found (\d+)\.$/.exec(error.message)?.[1];
        context?.reportError(
          new GraphQLError(`The operation nests fields ${actual ?? `more than ${max}`} levels deep; the limit is ${max}`, {
            extensions: { code: ErrorCode.OperationLimitExceeded, limit: 'depth', max, ...(actual ? { actual: Number(actual) } : {}) },
          }),
        );
      },
    ],
  }) as unknown as ValidationRule;
}
