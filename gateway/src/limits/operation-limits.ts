/** How much one operation may ask of the gateway: the same limits on every path (Apollo Server, the fast path, subscriptions). */
import { DEFAULT_PAGE_SIZE } from '@distribution/server';

export interface OperationLimits {
  /** Bytes of the document text, checked before it is parsed. */
  documentBytes: number;
  /** Lexical tokens (names, punctuation, values); parsing stops past this many. */
  tokens: number;
  /** Nesting of fields (fragments add no level). */
  depth: number;
  /** Aliased fields in the operation, fragments included. */
  aliases: number;
  /** Fields selected at the root of the operation. */
  rootFields: number;
  /** Directives used in the operation. */
  directives: number;
  /** The estimated cost (see operation-cost.ts): every field 1, lists multiply what they select. */
  cost: number;
  /** Items a connection is assumed to return when `first` is absent: the subgraphs' default page. */
  defaultPageSize: number;
  /** Items assumed for a list that takes no `first` (offers, order lines, round sales). */
  unpagedListSize: number;
}

/**
 * Chosen so that the costliest operation of client-examples/operations asks at most half of each
 * (gateway/test/limits-client-operations.test.ts prints the figures), while the nesting,
 * alias and amplification attacks of scripts/probe/attacks/limits.ts are refused.
 */
export const DEFAULT_OPERATION_LIMITS: Readonly<OperationLimits> = {
  documentBytes: 16 * 1024,
  tokens: 2000,
  depth: 15,
  aliases: 30,
  rootFields: 20,
  directives: 30,
  // Manufacturers (50 makers × 100 products each) costs 15,401; with first: 100, as the simulator pages, 30,801.
  cost: 32_000,
  defaultPageSize: DEFAULT_PAGE_SIZE,
  unpagedListSize: 10,
};
