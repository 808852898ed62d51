/**
 * Input hygiene, the first wall in front of every resolver: every text an operation carries
 * (String, ID, and a custom scalar given as text; inline or in variables, in nested input objects
 * and lists) is refused with BAD_USER_INPUT when it holds control characters, is not well-formed
 * Unicode, or is longer than its place allows. It knows nothing of the business: the domain's own
 * rules (name lengths, SKU patterns, email shape) still apply behind it. It keeps out what no field
 * of this API wants, and what Postgres cannot even store (NUL), before any resolver or SQL runs.
 *
 * The gateway runs it before planning (nothing of a bad operation runs in any subgraph); every
 * subgraph runs it again before executing, on HTTP and graphql-ws alike, so that a subgraph is safe
 * whoever reaches it. One implementation, these rules, everywhere.
 */
// The build of graphql that Apollo, @apollo/subgraph and @apollo/federation-internals load (CommonJS):
// the schemas given here come from them, and graphql's type checks refuse types of another copy.
import {
  GraphQLError,
  Kind,
  TypeInfo,
  getNamedType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  typeFromAST,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLInputObjectType,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ValueNode,
} from 'graphql/index.js';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { ErrorCode } from '@distribution/errors';

export interface InputHygieneRules {
  /** Characters a text may have where nothing else is said. */
  defaultMaxLength: number;
  /** Overrides by schema coordinate (`Type.field`, `Type.field(argument:)`) or, for every text of a scalar, by its name (`ID`). */
  maxLength: Readonly<Record<string, number>>;
  /** Coordinates of texts people write in paragraphs: line breaks and tabs are accepted there, and nowhere else. */
  freeText: ReadonlySet<string>;
}

/** The rules of this API. */
export const INPUT_HYGIENE_RULES: InputHygieneRules = {
  defaultMaxLength: 1000,
  maxLength: {
    // Every id of this API is a UUID or a number: anything longer is not an id of ours.
    ID: 100,
  },
  // None yet: names, emails, SKUs, ids, keys, search terms and categories are single lines. A product
  // description, when there is one, goes here as 'CreateProductInput.description'.
  freeText: new Set(),
};

/** Which rule a refused text broke (extensions.rule). */
export type InputRule = 'control-character' | 'malformed-unicode' | 'too-long';

interface TextRule {
  maxLength: number;
  freeText: boolean;
}

/** A broken rule found in a value; `path` collects the steps to it on the way back up (innermost first). */
interface Problem {
  rule: InputRule;
  explanation: string;
  details: Record<string, unknown>;
  path: string[];
}

/** Checks one value (as sent in variables) of a known input type. */
type ValueCheck = (value: unknown) => Problem | null;

/** What is known of an operation before its variables arrive. */
interface OperationPlan {
  literalProblem: GraphQLError | null;
  variables: Array<{ name: string; check: ValueCheck }>;
}

/* eslint-disable no-control-regex -- finding control characters is what these patterns are for */
/** Anything that may break a rule; most texts have none of it and are done with one test. */
const SUSPECT = /[\u0000-\u001F\u007F-\u009F\u2028\u2029\uD800-\uDFFF]/;
const CONTROL = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/;
/** Free text may break lines (\n, \r, U+2028, U+2029) and hold tabs. */
const CONTROL_IN_FREE_TEXT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
/* eslint-enable no-control-regex */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Checks operations against one set of rules; what it learns of an operation or an input type is kept for the next request. */
export class InputHygiene {
  private readonly plans = new WeakMap<GraphQLSchema, WeakMap<OperationDefinitionNode, OperationPlan>>();
  private readonly objectChecks = new WeakMap<GraphQLInputObjectType, ValueCheck>();

  constructor(private readonly rules: InputHygieneRules = INPUT_HYGIENE_RULES) {}

  /**
   * The first text of `operation` (literals in `document`, then `variables` as sent) that breaks a
   * rule, as the BAD_USER_INPUT error to refuse the request with; null when every text is clean.
   * `document` must have passed validation against `schema`.
   */
  check(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: unknown): GraphQLError | null {
    let bySchema = this.plans.get(schema);
    if (!bySchema) this.plans.set(schema, (bySchema = new WeakMap()));
    let plan = bySchema.get(operation);
    if (!plan) bySchema.set(operation, (plan = this.plan(schema, document, operation)));
    if (plan.literalProblem) return plan.literalProblem;
    if (plan.variables.length === 0 || typeof variables !== 'object' || variables === null) return null;
    for (const variable of plan.variables) {
      const value = (variables as Record<string, unknown>)[variable.name];
      if (value === undefined || value === null) continue;
      const problem = variable.check(value);
      if (problem) return refusal(problem, `$${variable.name}${problem.path.reverse().join('')}`);
    }
    return null;
  }

  private plan(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): OperationPlan {
    const usages = new Map<string, TextRule>();
    const useVariable = (name: string, rule: TextRule) => {
      const known = usages.get(name);
      usages.set(name, known ? { maxLength: Math.min(known.maxLength, rule.maxLength), freeText: known.freeText && rule.freeText } : rule);
    };
    let literalProblem: GraphQLError | null = null;
    const typeInfo = new TypeInfo(schema);
    visit(
      document,
      visitWithTypeInfo(typeInfo, {
        Argument: (node) => {
          const argument = typeInfo.getArgument();
          if (!argument || literalProblem) return false;
          const directive = typeInfo.getDirective();
          const owner = directive ? `@${directive.name}` : `${typeInfo.getParentType()?.name}.${typeInfo.getFieldDef()?.name}`;
          literalProblem = this.checkLiteral(node.value, argument.type, `${owner}(${argument.name}:)`, argument.name, useVariable);
          return false;
        },
        VariableDefinition: (node) => {
          // A default value is a literal the client wrote, whichever operation it belongs to.
          const type = typeFromAST(schema, node.type as never) as GraphQLInputType | undefined;
          if (node.defaultValue && type && !literalProblem) {
            literalProblem = this.checkLiteral(node.defaultValue, type, null, `$${node.variable.name.value}`, () => {});
          }
          return false;
        },
      }),
    );
    const variables: OperationPlan['variables'] = [];
    for (const definition of operation.variableDefinitions ?? []) {
      const type = typeFromAST(schema, definition.type as never) as GraphQLInputType | undefined;
      const name = definition.variable.name.value;
      if (type) variables.push({ name, check: this.checkFor(type, usages.get(name) ?? this.ruleFor(null, type)) });
    }
    return { literalProblem, variables };
  }

  /** Walks a literal by its type; variables met on the way are noted with the rule of where they stand. */
  private checkLiteral(node: ValueNode, type: GraphQLInputType, coordinate: string | null, path: string, useVariable: (name: string, rule: TextRule) => void): GraphQLError | null {
    const inner = isNonNullType(type) ? type.ofType : type;
    if (node.kind === Kind.VARIABLE) {
      useVariable(node.name.value, this.ruleFor(coordinate, inner));
      return null;
    }
    if (isListType(inner)) {
      if (node.kind !== Kind.LIST) return this.checkLiteral(node, inner.ofType, coordinate, path, useVariable);
      for (const [index, item] of node.values.entries()) {
        const problem = this.checkLiteral(item, inner.ofType, coordinate, `${path}[${index}]`, useVariable);
        if (problem) return problem;
      }
      return null;
    }
    if (isInputObjectType(inner)) {
      if (node.kind !== Kind.OBJECT) return null;
      const fields = inner.getFields();
      for (const field of node.fields) {
        const definition = fields[field.name.value];
        if (!definition) continue;
        const problem = this.checkLiteral(field.value, definition.type, `${inner.name}.${definition.name}`, `${path}.${definition.name}`, useVariable);
        if (problem) return problem;
      }
      return null;
    }
    if (isScalarType(inner) && node.kind === Kind.STRING) {
      const problem = textProblem(node.value, this.ruleFor(coordinate, inner));
      return problem && refusal(problem, path);
    }
    return null;
  }

  /**
   * The check of a variable's value (JSON as sent) of `type`, made once per type: the schema's fields
   * bound the walk, not the value's keys. `rule` is for the value itself when it is a text (or a list of them).
   */
  private checkFor(type: GraphQLInputType, rule: TextRule): ValueCheck {
    const inner = isNonNullType(type) ? type.ofType : type;
    if (isListType(inner)) {
      const item = this.checkFor(inner.ofType, rule);
      return (value) => {
        if (!Array.isArray(value)) return item(value);
        for (let index = 0; index < value.length; index += 1) {
          if (value[index] === null || value[index] === undefined) continue;
          const problem = item(value[index]);
          if (problem) {
            problem.path.push(`[${index}]`);
            return problem;
          }
        }
        return null;
      };
    }
    if (isInputObjectType(inner)) return this.objectCheck(inner);
    // Enums are checked against their values by GraphQL itself; a custom scalar sent as an object (_Any) is no text.
    if (isScalarType(inner)) return (value) => (typeof value === 'string' ? textProblem(value, rule) : null);
    return () => null;
  }

  private objectCheck(type: GraphQLInputObjectType): ValueCheck {
    let check = this.objectChecks.get(type);
    if (check) return check;
    // Made on first use, so that an input type that contains itself is fine.
    let fields: Array<{ name: string; check: ValueCheck }> | undefined;
    check = (value) => {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
      fields ??= Object.values(type.getFields()).map((field) => ({
        name: field.name,
        check: this.checkFor(field.type, this.ruleFor(`${type.name}.${field.name}`, field.type)),
      }));
      for (const field of fields) {
        const fieldValue = (value as Record<string, unknown>)[field.name];
        if (fieldValue === undefined || fieldValue === null) continue;
        const problem = field.check(fieldValue);
        if (problem) {
          problem.path.push(`.${field.name}`);
          return problem;
        }
      }
      return null;
    };
    this.objectChecks.set(type, check);
    return check;
  }

  private ruleFor(coordinate: string | null, type: GraphQLInputType): TextRule {
    const { maxLength, freeText, defaultMaxLength } = this.rules;
    const scalar = getNamedType(type).name;
    return {
      maxLength: (coordinate !== null ? maxLength[coordinate] : undefined) ?? maxLength[scalar] ?? defaultMaxLength,
      freeText: coordinate !== null && freeText.has(coordinate),
    };
  }
}

function textProblem(text: string, rule: TextRule): Problem | null {
  if (text.length > rule.maxLength) {
    return { rule: 'too-long', explanation: `is longer than ${rule.maxLength} characters`, details: { maxLength: rule.maxLength }, path: [] };
  }
  if (!SUSPECT.test(text)) return null;
  const control = (rule.freeText ? CONTROL_IN_FREE_TEXT : CONTROL).exec(text);
  if (control) {
    const codePoint = `U+${control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
    const accepted = rule.freeText ? 'printable text, line breaks and tabs' : 'printable text on one line';
    return { rule: 'control-character', explanation: `contains a control character (${codePoint}); only ${accepted} is accepted`, details: {}, path: [] };
  }
  if (LONE_SURROGATE.test(text)) return { rule: 'malformed-unicode', explanation: 'is not well-formed Unicode (a lone surrogate)', details: {}, path: [] };
  return null;
}

function refusal(problem: Problem, argument: string): GraphQLError {
  const where = argument.startsWith('$') ? 'Variable' : 'Argument';
  // 400, as Apollo answers variables that do not fit: the request never ran. (Apollo takes `http` out of the response.)
  return new GraphQLError(`${where} ${argument} ${problem.explanation}`, {
    extensions: { code: ErrorCode.BadUserInput, argument, rule: problem.rule, ...problem.details, http: { status: 400 } },
  });
}

/** The checker with this API's rules, shared by every server in the process. */
export const inputHygiene = new InputHygiene();

/** Apollo Server plugin: refuses an operation whose texts break the rules, once it is resolved and before it executes. */
export function inputHygienePlugin<C extends BaseContext>(hygiene: InputHygiene = inputHygiene): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (!operation) return;
          const problem = hygiene.check(schema, document, operation, request.variables);
          if (problem) throw problem;
        },
      };
    },
  };
}
