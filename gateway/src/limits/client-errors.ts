/** How the gateway shapes every error for clients: formatErrorForClient, the token limit coded as the other limits, no schema hints in production. */
import type { GraphQLError, GraphQLFormattedError } from 'graphql/index.js';
import { formatErrorForClient } from '@distribution/errors';
import { formatLimitError, hideSuggestions, tokenLimitError } from './limit-errors.js';

/** Apollo's `formatError` for the gateway (also used by the fast path for the errors it formats itself). */
export function gatewayErrorFormatter({ production }: { production: boolean }) {
  const format = formatErrorForClient();
  return (formatted: GraphQLFormattedError, original: unknown): GraphQLFormattedError => {
    // Apollo's parse (parseOptions.maxTokens) reports the token limit as a syntax error.
    if (formatted.extensions?.code === 'GRAPHQL_PARSE_FAILED') {
      const source = (original as GraphQLError | undefined)?.source?.body;
      const limit = tokenLimitError(original, source);
      if (limit) return formatLimitError(limit);
    }
    const shaped = format(formatted, original);
    return production ? hideSuggestions(shaped) : shaped;
  };
}
