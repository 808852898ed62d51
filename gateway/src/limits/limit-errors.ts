/** The errors a refused operation gets: one code, OPERATION_LIMIT_EXCEEDED, saying which limit, its maximum and what was asked. */
// The build of graphql that Apollo Server and @apollo/gateway load (CommonJS): under Vite, plain
// 'graphql' is the ESM build, and Apollo would not recognise its GraphQLError as one. Node itself
// resolves both to this file.
import { GraphQLError, Lexer, Source, TokenKind, type GraphQLFormattedError } from 'graphql/index.js';
import { ErrorCode } from '@distribution/errors';
import type { OperationLimits } from './operation-limits.js';

export type LimitName = keyof Omit<OperationLimits, 'defaultPageSize' | 'unpagedListSize'>;

const WHAT: Record<LimitName, string> = {
  documentBytes: 'The document is {actual} bytes long; the limit is {max}',
  tokens: 'The document has {actual} tokens; the limit is {max}',
  depth: 'The operation nests fields {actual} levels deep; the limit is {max}',
  aliases: 'The operation uses {actual} aliases; the limit is {max}',
  rootFields: 'The operation selects {actual} root fields; the limit is {max}',
  directives: 'The operation uses {actual} directives; the limit is {max}',
  cost: 'The operation would cost about {actual} (lists count once per item asked for); the limit is {max}',
};

/** The refusal of an operation past `limit`. */
export function limitExceeded(limit: LimitName, max: number, actual: number | undefined): GraphQLError {
  const message = WHAT[limit].replace('{actual}', actual === undefined ? `more than ${max}` : String(actual)).replace('{max}', String(max));
  return new GraphQLError(message, {
    extensions: { code: ErrorCode.OperationLimitExceeded, limit, max, ...(actual === undefined ? {} : { actual }) },
  });
}

/** The refusal as a client receives it (HTTP paths answer it with status 400, as Apollo Server answers other invalid operations). */
export function formatLimitError(error: GraphQLError): GraphQLFormattedError {
  return { message: error.message, extensions: error.extensions };
}

/** graphql's own message when `parse(..., { maxTokens })` gives up (16.x spells it "more that"). */
const TOKEN_LIMIT = /^Syntax Error: Document contains more tha[nt] (\d+) tokens\. Parsing aborted\.$/;

/** The token limit's refusal when `error` is graphql aborting a parse past maxTokens; undefined for any other error. */
export function tokenLimitError(error: unknown, source: string | undefined): GraphQLError | undefined {
  const match = error instanceof Error ? TOKEN_LIMIT.exec(error.message) : null;
  if (!match) return undefined;
  return limitExceeded('tokens', Number(match[1]), source === undefined ? undefined : countTokens(source));
}

/** Tokens in `source` as the parser counts them (comments excluded); only run on documents already bounded in bytes. */
export function countTokens(source: string): number {
  const lexer = new Lexer(new Source(source));
  let count = 0;
  try {
    while (lexer.advance().kind !== TokenKind.EOF) count++;
  } catch {
    // A lexical error ends the count where the parser would have stopped too.
  }
  return count;
}

/** The same message without graphql's "Did you mean ...?" hint, which spells out schema names a client did not ask for. */
export function withoutSuggestions(message: string): string {
  return message.replace(/ ?Did you mean(.+?)\?$/, '');
}

/** `formatted` with the hint removed from its message (production). */
export function hideSuggestions(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const message = withoutSuggestions(formatted.message);
  return message === formatted.message ? formatted : { ...formatted, message };
}
