/**
 * A faster `computeResponse` for @apollo/gateway 2.14.x: the step of executeQueryPlan that copies
 * the merged subgraph data into the shape of the client's operation (aliases, fragments, @skip and
 * @include, null propagation, leaf value checks, `__typename`).
 *
 * Apollo's version interprets the operation afresh for every object of the result: each field asks
 * the operation model for its response name, definition, type and directives (through re-export
 * getters), and every value allocates a result record. On a list-heavy query this was a quarter of
 * the gateway's CPU. This port keeps the algorithm, its errors and its messages, but reads each
 * selection set's facts once per request (the operation model is rebuilt per request) and passes
 * flags without allocating. gateway/test/result-shaping.test.ts checks it against the original.
 *
 * `installFastResultShaping()` swaps it in for executeQueryPlan, once, and only on the version it
 * was written against; anything else keeps Apollo's own.
 */
import { createRequire } from 'node:module';
import {
  ERRORS,
  Variable,
  assert,
  isCompositeType,
  isCustomScalarType,
  isListType,
  isNonNullType,
  isObjectType,
  isSubtype,
  isValidLeafValue,
  typenameFieldName,
} from '@apollo/federation-internals';

/* The operation model of @apollo/federation-internals is typed loosely here: only what is read. */
type Schema = any;
type NamedOrWrapperType = any;
type SelectionSet = any;

interface ShapeParameters {
  schema: Schema;
  variables: Record<string, unknown>;
  errors: unknown[];
  introspectionHandling: (selection: unknown) => unknown;
}

export interface ComputeResponseArgs {
  operation: any;
  variables?: Record<string, unknown>;
  input: Record<string, unknown> | null | undefined;
  introspectionHandling: (selection: unknown) => unknown;
}

/** `if:` of @skip/@include: a constant, or the variable to read. */
type Condition = { constant: boolean } | { variable: any; directive: any };

interface FieldStep {
  kind: 0;
  skip?: Condition;
  include?: Condition;
  responseName: string;
  isIntrospection: boolean;
  isTypename: boolean;
  type: TypePlan | undefined;
  selectionSet: SelectionSet | undefined;
  selection: unknown;
}

interface FragmentStep {
  kind: 1;
  skip?: Condition;
  include?: Condition;
  typeCondition: NamedOrWrapperType | undefined;
  selectionSet: SelectionSet;
}

type Step = FieldStep | FragmentStep;

const OK = 0;
const NULL_BUBBLE_UP = 1;

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * Result objects, like Apollo's `Object.create(null)` without Object.prototype in their chain (so
 * an alias `__proto__` is a plain property), but made by a constructor: V8 keeps these in fast
 * mode, where a null-prototype object starts as a dictionary, slower to fill and to stringify.
 */
const ResultObject = function ResultObject() {} as unknown as new () => Record<string, unknown>;
ResultObject.prototype = Object.create(null);

function conditionOf(element: any, directive: any): Condition | undefined {
  const applied = element.appliedDirectivesOf(directive)[0];
  if (!applied) return undefined;
  const arg = applied.arguments().if;
  return arg instanceof Variable ? { variable: arg, directive: applied } : { constant: arg };
}

function conditionValue(condition: Condition, variables: Record<string, unknown>): boolean {
  if ('constant' in condition) return condition.constant;
  const value = variables[condition.variable.name];
  assert(value !== undefined && typeof value === 'boolean', () => `Unexpected value ${value} for variable ${condition.variable} of ${condition.directive}`);
  return value;
}

/** Per-request memo: the operation (and so every selection set) is new for each request. */
type Compiled = WeakMap<SelectionSet, Step[]>;

function stepsOf(selectionSet: SelectionSet, schema: Schema, compiled: Compiled): Step[] {
  let steps = compiled.get(selectionSet);
  if (steps) return steps;
  const skipDirective = schema.skipDirective();
  const includeDirective = schema.includeDirective();
  steps = [];
  for (const selection of selectionSet.selections()) {
    const element = selection.element;
    const skip = element.appliedDirectives.length > 0 ? conditionOf(element, skipDirective) : undefined;
    const include = element.appliedDirectives.length > 0 ? conditionOf(element, includeDirective) : undefined;
    if (selection.kind === 'FieldSelection') {
      const definition = element.definition;
      steps.push({
        kind: 0,
        skip,
        include,
        responseName: element.responseName(),
        isIntrospection: definition.isSchemaIntrospectionField(),
        isTypename: element.name === typenameFieldName,
        // Introspection and __typename never reach updateOutputValue.
        type: definition.isSchemaIntrospectionField() || element.name === typenameFieldName ? undefined : planOf(definition.type),
        selectionSet: selection.selectionSet,
        selection,
      });
    } else {
      steps.push({ kind: 1, skip, include, typeCondition: element.typeCondition, selectionSet: selection.selectionSet });
    }
  }
  compiled.set(selectionSet, steps);
  return steps;
}

function shouldSkip(step: Step, variables: Record<string, unknown>): boolean {
  // Same order and short-circuits as Apollo's shouldSkip.
  return (step.skip !== undefined && conditionValue(step.skip, variables)) || (step.include !== undefined && !conditionValue(step.include, variables));
}

function typeConditionApplies(schema: Schema, typeCondition: any, typename: string | undefined, parentType: any): boolean {
  if (!typeCondition) return true;
  if (typename) {
    const type = schema.type(typename);
    return !!type && isSubtype(typeCondition, type);
  }
  return isSubtype(typeCondition, parentType);
}

function pathLastElementDescription(path: (string | number)[], currentType: any, parentType: any): string {
  const element = path[path.length - 1];
  assert(element !== undefined, 'Should not have been called on an empty path');
  return typeof element === 'string' ? `field ${parentType}.${element}` : `array element of type ${currentType} at index ${element}`;
}

/** What updateOutputValue does with a value of a type, read once per type (types live as long as their schema). */
const NON_NULL = 0;
const LIST = 1;
const COMPOSITE = 2;
const LEAF = 3;
type TypePlan =
  | { kind: typeof NON_NULL; type: any; of: TypePlan }
  | { kind: typeof LIST; type: any; of: TypePlan }
  | { kind: typeof COMPOSITE; type: any }
  /** anyString: every string is a valid value (String, ID, custom scalars), so isValidLeafValue can be skipped for strings. */
  | { kind: typeof LEAF; type: any; anyString: boolean };

const typePlans = new WeakMap<object, TypePlan>();

function planOf(type: any): TypePlan {
  let plan = typePlans.get(type);
  if (plan) return plan;
  if (isNonNullType(type)) plan = { kind: NON_NULL, type, of: planOf(type.ofType) };
  else if (isListType(type)) plan = { kind: LIST, type, of: planOf(type.ofType) };
  else if (isCompositeType(type)) plan = { kind: COMPOSITE, type };
  else {
    const schema = type.schema();
    const anyString = isCustomScalarType(type) || type === schema.stringType() || type === schema.idType();
    plan = { kind: LEAF, type, anyString };
  }
  typePlans.set(type, plan);
  return plan;
}

class Shaper {
  // The flags Apollo's updateOutputValue returns next to the value, read right after each call.
  private isInvalid = false;
  private hasErrors = false;
  private readonly compiled: Compiled = new WeakMap();

  constructor(private readonly parameters: ShapeParameters) {}

  applySelectionSet(input: any, selectionSet: SelectionSet, output: any, path: (string | number)[], parentType: any): number {
    const { schema, variables } = this.parameters;
    const steps = stepsOf(selectionSet, schema, this.compiled);
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i]!;
      if ((step.skip !== undefined || step.include !== undefined) && shouldSkip(step, variables)) continue;
      if (step.kind === 0) {
        const responseName = step.responseName;
        const outputValue = output[responseName];
        if (step.isIntrospection) {
          if (outputValue === undefined) output[responseName] = this.parameters.introspectionHandling(step.selection);
          continue;
        }
        let inputValue = hasOwn.call(input, responseName) ? input[responseName] : undefined;
        if (inputValue === undefined) inputValue = null;
        if (step.isTypename) {
          if (outputValue === undefined) {
            if (inputValue === null && responseName !== typenameFieldName) inputValue = input[typenameFieldName] ?? null;
            const type = inputValue !== null && typeof inputValue === 'string' ? (schema.type(inputValue) ?? parentType) : parentType;
            if (!isObjectType(type)) return NULL_BUBBLE_UP;
            output[responseName] = type.name;
          }
          continue;
        }
        path.push(responseName);
        const updated = this.updateOutputValue(outputValue, step.type!, inputValue, step.selectionSet, path, parentType);
        const invalid = this.isInvalid;
        output[responseName] = updated;
        path.pop();
        if (invalid) return NULL_BUBBLE_UP;
      } else {
        const typename = input[typenameFieldName];
        assert(!typename || typeof typename === 'string', () => `Got unexpected value for __typename: ${typename}`);
        if (typeConditionApplies(schema, step.typeCondition, typename, parentType)) {
          const result = this.applySelectionSet(input, step.selectionSet, output, path, step.typeCondition ?? parentType);
          if (result === NULL_BUBBLE_UP) return NULL_BUBBLE_UP;
        }
      }
    }
    return OK;
  }

  /** Apollo's updateOutputValue; its `{ isInvalid, hasErrors }` are left in this.isInvalid / this.hasErrors. */
  updateOutputValue(outputValue: any, plan: TypePlan, inputValue: any, selectionSet: SelectionSet | undefined, path: (string | number)[], parentType: any): any {
    // Asserts are written `if (!x) assert(false, ...)`: the same errors, without a message closure per value.
    if (inputValue === undefined) assert(false, 'Should not pass undefined for `inputValue` to this method');
    const { parameters } = this;
    if (outputValue === null || (outputValue !== undefined && !selectionSet)) {
      this.isInvalid = false;
      this.hasErrors = false;
      return outputValue;
    }
    switch (plan.kind) {
      case NON_NULL: {
        const updated = this.updateOutputValue(outputValue, plan.of, inputValue, selectionSet, path, parentType);
        if (updated === null) {
          if (!this.hasErrors) {
            parameters.errors.push(
              ERRORS.INVALID_GRAPHQL.err(`Cannot return null for non-nullable ${pathLastElementDescription(path, plan.type.ofType, parentType)}.`, { path: Array.from(path) }),
            );
          }
          this.isInvalid = true;
          this.hasErrors = true;
          return updated;
        }
        this.isInvalid = false;
        this.hasErrors = false;
        return updated;
      }
      default:
        break;
    }
    if (inputValue === null) {
      this.isInvalid = false;
      this.hasErrors = false;
      return null;
    }
    switch (plan.kind) {
      case LIST: {
        const type = plan.type;
        if (!Array.isArray(inputValue)) assert(false, `Invalid non-list value ${inputValue} returned by subgraph for list type ${type}`);
        if (!(outputValue === undefined || Array.isArray(outputValue))) assert(false, `Invalid non-list value ${outputValue} returned by subgraph for list type ${type}`);
        const outputList: unknown[] = outputValue === undefined ? new Array(inputValue.length).fill(undefined) : outputValue;
        if (inputValue.length !== outputList.length) assert(false, `[${inputValue}].length (${inputValue.length}) !== [${outputList}].length (${outputList.length})`);
        let shouldNullify = false;
        let hasErrors = false;
        const updated = new Array(outputList.length);
        for (let idx = 0; idx < outputList.length; idx++) {
          path.push(idx);
          updated[idx] = this.updateOutputValue(outputList[idx], plan.of, inputValue[idx], selectionSet, path, parentType);
          path.pop();
          shouldNullify ||= this.isInvalid;
          hasErrors ||= this.hasErrors;
        }
        this.isInvalid = false;
        this.hasErrors = hasErrors;
        return shouldNullify ? null : updated;
      }
      case COMPOSITE: {
        const type = plan.type;
        if (!selectionSet) assert(false, `Invalid empty selection set for composite type ${type}`);
        if (typeof inputValue !== 'object') assert(false, `Invalid non-object value ${inputValue} returned by subgraph for composite type ${type}`);
        if (!(outputValue === undefined || typeof outputValue === 'object'))
          assert(false, `Invalid non-object value ${inputValue} returned by subgraph for composite type ${type}`);
        const inputTypename = inputValue[typenameFieldName];
        if (!(inputTypename === undefined || typeof inputTypename === 'string')) assert(false, `Invalid non-string value ${inputTypename} for __typename at ${path}`);
        let objType = type;
        if (inputTypename) {
          const typenameType = parameters.schema.type(inputTypename);
          if (!typenameType || !isCompositeType(typenameType)) {
            parameters.errors.push(
              ERRORS.INVALID_GRAPHQL.err(`Invalid __typename found for object at ${pathLastElementDescription(path, type, parentType)}.`, { path: Array.from(path) }),
            );
            this.isInvalid = false;
            this.hasErrors = true;
            return null;
          }
          objType = typenameType;
        }
        const outputObject = outputValue === undefined ? new ResultObject() : outputValue;
        const result = this.applySelectionSet(inputValue, selectionSet, outputObject, path, objType);
        const hasErrors = result === NULL_BUBBLE_UP;
        this.isInvalid = false;
        this.hasErrors = hasErrors;
        return hasErrors ? null : outputObject;
      }
      default: {
        const type = plan.type;
        if (outputValue !== undefined) assert(false, `Excepted output to be undefined but got ${type} for type ${type}`);
        const valid = (typeof inputValue === 'string' && (plan as { anyString: boolean }).anyString) || isValidLeafValue(parameters.schema, inputValue, type);
        if (!valid) {
          parameters.errors.push(ERRORS.INVALID_GRAPHQL.err(`Invalid value found for ${pathLastElementDescription(path, type, parentType)}.`, { path: Array.from(path) }));
        }
        this.isInvalid = false;
        this.hasErrors = !valid;
        return valid ? inputValue : null;
      }
    }
  }
}

export function computeResponse({ operation, variables, input, introspectionHandling }: ComputeResponseArgs): { data: unknown; errors: unknown[] } {
  if (!input) return { data: input, errors: [] };
  const schema = operation.schema();
  const parameters: ShapeParameters = {
    schema,
    variables: { __proto__: null, ...operation.collectDefaultedVariableValues(), ...variables } as Record<string, unknown>,
    errors: [],
    introspectionHandling,
  };
  const data = new ResultObject();
  const result = new Shaper(parameters).applySelectionSet(input, operation.selectionSet, data, [], schema.schemaDefinition.rootType(operation.rootKind));
  return { data: result === NULL_BUBBLE_UP ? null : data, errors: parameters.errors };
}

const require = createRequire(import.meta.url);
let installed: boolean | undefined;

/**
 * Makes executeQueryPlan use this computeResponse. Returns whether it did: only on the
 * @apollo/gateway version this port follows (executeQueryPlan reads it from the module at call time).
 */
export function installFastResultShaping(): boolean {
  if (installed !== undefined) return installed;
  const version = (require('@apollo/gateway/package.json') as { version: string }).version;
  const module = require('@apollo/gateway/dist/resultShaping.js') as { computeResponse: unknown };
  installed = /^2\.14\./.test(version) && typeof module.computeResponse === 'function';
  if (installed) module.computeResponse = computeResponse;
  return installed;
}
