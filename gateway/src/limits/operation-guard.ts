/** One object that every path of the gateway asks whether an operation stays within the limits. */
import { validate, type DocumentNode, type GraphQLError, type GraphQLSchema, type OperationDefinitionNode, type ParseOptions, type ValidationRule } from 'graphql/index.js';
import { countTokens, limitExceeded, tokenLimitError, type LimitName } from './limit-errors.js';
import { operationLimitRules } from './limit-rules.js';
import { OperationCostMeter, TooManySelections } from './operation-cost.js';
import { DEFAULT_OPERATION_LIMITS, type OperationLimits } from './operation-limits.js';

/** What an operation asks, limit by limit (undefined: not measured, as the cost with variables that do not fit). */
export type OperationMeasures = Partial<Record<LimitName, number>>;

export class OperationGuard {
  readonly limits: Readonly<OperationLimits>;
  /** Validation rules for the limits that need only the document; run them with the path's own validation. */
  readonly rules: readonly ValidationRule[];
  /** For every parse of a client's document: parsing stops past the token limit. */
  readonly parseOptions: ParseOptions;
  private readonly meter: OperationCostMeter;
  /** The document-only verdict per document object (paths that validate without `rules` keep one object per query text). */
  private readonly ruleErrors = new WeakMap<DocumentNode, readonly GraphQLError[]>();

  constructor(limits: Partial<OperationLimits> = {}) {
    this.limits = { ...DEFAULT_OPERATION_LIMITS, ...definedOnly(limits) };
    this.rules = operationLimitRules(this.limits);
    this.parseOptions = { maxTokens: this.limits.tokens };
    this.meter = new OperationCostMeter({ ...this.limits, maxSelections: this.limits.tokens });
  }

  /** The refusal of a document text longer than the byte limit, before anything parses it; undefined for anything else. */
  sizeError(text: unknown): GraphQLError | undefined {
    if (typeof text !== 'string') return undefined;
    const max = this.limits.documentBytes;
    // UTF-8 takes at most 3 bytes per UTF-16 code unit: most texts are cleared without counting.
    if (text.length * 3 <= max) return undefined;
    const bytes = Buffer.byteLength(text, 'utf8');
    return bytes > max ? limitExceeded('documentBytes', max, bytes) : undefined;
  }

  /** The token limit's refusal when `error` is the parser giving up on `source`; undefined for any other parse error. */
  tokenError(error: unknown, source: string): GraphQLError | undefined {
    return tokenLimitError(error, source);
  }

  /**
   * The first limit `operation` exceeds, or undefined: the document-only limits (for a document
   * validated without `rules`, as Apollo Server's pipeline does), then the cost with `variables`.
   */
  operationError(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: Record<string, unknown> | null | undefined,
  ): GraphQLError | undefined {
    let errors = this.ruleErrors.get(document);
    if (!errors) this.ruleErrors.set(document, (errors = validate(schema, document, this.rules)));
    return errors[0] ?? this.costError(schema, document, operation, variables);
  }

  /** The cost limit's refusal of `operation` with `variables`; undefined within it, or when the variables do not fit (the path refuses those). */
  costError(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown> | null | undefined): GraphQLError | undefined {
    const max = this.limits.cost;
    let cost: number | undefined;
    try {
      cost = this.meter.costOf(schema, document, operation, variables);
    } catch (error) {
      if (error instanceof TooManySelections) return limitExceeded('cost', max, undefined);
      throw error;
    }
    return cost !== undefined && cost > max ? limitExceeded('cost', max, cost) : undefined;
  }

  /** Every figure of one operation against these limits, refused or not (tests, tooling). */
  measure(schema: GraphQLSchema, source: string, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown> = {}): OperationMeasures {
    const measures: OperationMeasures = { documentBytes: Buffer.byteLength(source, 'utf8'), tokens: countTokens(source) };
    validate(
      schema,
      document,
      operationLimitRules(this.limits, (limit, actual) => {
        if (actual !== undefined) measures[limit] = actual;
      }),
    );
    try {
      measures.cost = this.meter.costOf(schema, document, operation, variables);
    } catch (error) {
      if (!(error instanceof TooManySelections)) throw error;
    }
    return measures;
  }
}

/** Limits left undefined keep their defaults. */
function definedOnly(limits: Partial<OperationLimits>): Partial<OperationLimits> {
  return Object.fromEntries(Object.entries(limits).filter(([, value]) => value !== undefined));
}
