/**
 * The rules table checked against the composed API schema: every field has a rule, no rule names
 * a field the API lacks, and a type whose fields are private "with their parent" is reached only
 * through fields that are themselves guarded.
 */
import { readFileSync } from 'node:fs';
import {
  TypeInfo,
  buildSchema,
  getNamedType,
  isAbstractType,
  isObjectType,
  parse,
  validate,
  visit,
  visitWithTypeInfo,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { Supergraph, printSchema } from '@apollo/federation-internals';
import { SUPERGRAPH_PATH } from '../../scripts/local-network.js';
import type { Rule } from './authorization-rules.js';

/** The API clients see (the supergraph without its federation machinery). */
export function apiSchema(supergraphSdl = readFileSync(SUPERGRAPH_PATH, 'utf8')): GraphQLSchema {
  return buildSchema(printSchema(Supergraph.build(supergraphSdl).apiSchema()));
}

const objectTypes = (schema: GraphQLSchema): GraphQLObjectType[] =>
  Object.values(schema.getTypeMap()).filter((type): type is GraphQLObjectType => isObjectType(type) && !type.name.startsWith('__'));

const rootNames = (schema: GraphQLSchema) => new Set([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter(Boolean).map((t) => t!.name));

/** Every `Type.field` of the API's object types, roots included. */
export function fieldCoordinates(schema: GraphQLSchema): string[] {
  return objectTypes(schema)
    .flatMap((type) => Object.keys(type.getFields()).map((field) => `${type.name}.${field}`))
    .sort();
}

/** The object types a field's type stands for (the members of a union or interface). */
function objectsOf(schema: GraphQLSchema, type: GraphQLNamedType): string[] {
  if (isObjectType(type)) return [type.name];
  if (isAbstractType(type)) return schema.getPossibleTypes(type).map((t) => t.name);
  return [];
}

/** The fields through which objects of `typeName` are reached. */
function entrancesOf(schema: GraphQLSchema, typeName: string): string[] {
  return objectTypes(schema).flatMap((type) =>
    Object.values(type.getFields())
      .filter((field) => objectsOf(schema, getNamedType(field.type)).includes(typeName))
      .map((field) => `${type.name}.${field.name}`),
  );
}

/** What is wrong with `rules` for `schema`, one line per problem naming the coordinate; empty when nothing is. */
export function coverageProblems(schema: GraphQLSchema, rules: Readonly<Record<string, Rule>>): string[] {
  const problems: string[] = [];
  const coordinates = fieldCoordinates(schema);
  const roots = rootNames(schema);
  for (const coordinate of coordinates) {
    const rule = rules[coordinate];
    const isRoot = roots.has(coordinate.split('.')[0]!);
    if (!rule) problems.push(`${coordinate}: no rule says who may see it (add one to test/e2e/authorization-rules.ts)`);
    else if (isRoot && rule.access !== 'public' && rule.access !== 'restricted') problems.push(`${coordinate}: a root field is public or restricted, not ${rule.access}`);
    else if (rule.access === 'restricted' && rule.checks.length === 0) problems.push(`${coordinate}: a restricted field needs an operation that shows it`);
    else if (isRoot && rule.access === 'public' && !rule.checks?.length) problems.push(`${coordinate}: a public root field needs an operation that shows it`);
  }
  const known = new Set(coordinates);
  for (const coordinate of Object.keys(rules)) if (!known.has(coordinate)) problems.push(`${coordinate}: has a rule but the API has no such field`);

  // Fields private with their parent: every way to their type must itself be guarded.
  const guarded = new Set(['restricted', 'withParent', 'callersOwn']);
  const inheriting = new Set(coordinates.filter((c) => rules[c]?.access === 'withParent').map((c) => c.split('.')[0]!));
  for (const typeName of [...inheriting].sort()) {
    for (const entrance of entrancesOf(schema, typeName)) {
      const access = rules[entrance]?.access;
      if (!access || !guarded.has(access)) {
        problems.push(`${typeName}: its fields are private with their parent, but ${entrance} (${access ?? 'no rule'}) hands it to anyone`);
      }
    }
  }
  return problems;
}

/** The coordinates a document selects, or the reasons it is not valid against `schema`. */
export function selectedCoordinates(schema: GraphQLSchema, query: string): { coordinates: Set<string>; errors: string[] } {
  const document = parse(query);
  const errors = validate(schema, document).map((e) => e.message);
  const coordinates = new Set<string>();
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field: () => {
        const parent = typeInfo.getParentType();
        const field = typeInfo.getFieldDef();
        if (parent && field) coordinates.add(`${parent.name}.${field.name}`);
      },
    }),
  );
  return { coordinates, errors };
}
