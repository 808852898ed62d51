/**
 * Every public operation of the API, one `.graphql` file each (shared fragments in fragments/), and
 * their typed documents generated from them (generated/, `npm run codegen`): this module hands them
 * out by name to Node clients, scripts and tests, with the result and variable types of each.
 */
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { print } from 'graphql';
import type { ResultOf as DocumentResult, VariablesOf as DocumentVariables } from '@graphql-typed-document-node/core';
import * as documents from './generated/graphql.js';
import type { OperationKinds } from './generated/graphql.js';

export const OPERATIONS_DIR = dirname(fileURLToPath(import.meta.url));

type Documents = typeof documents;
/** An operation's name: its file's name without `.graphql` (codegen names its document `<name>Document`). */
export type OperationName = keyof OperationKinds;
/** The names of the queries, the mutations or the subscriptions. */
export type OperationNameOf<Kind extends OperationKinds[OperationName]> = { [N in OperationName]: OperationKinds[N] extends Kind ? N : never }[OperationName];
/** The typed document of an operation, its fragments included. */
export type OperationDocument<N extends OperationName> = Documents[`${N}Document` & keyof Documents];
/** What an operation's `data` holds. */
export type ResultOf<N extends OperationName> = DocumentResult<OperationDocument<N>>;
/** The variables an operation takes. */
export type VariablesOf<N extends OperationName> = DocumentVariables<OperationDocument<N>>;

/** The names of the operation files, without `.graphql`, alphabetically. */
export function operationNames(): OperationName[] {
  return readdirSync(OPERATIONS_DIR)
    .filter((f) => f.endsWith('.graphql'))
    .map((f) => f.slice(0, -'.graphql'.length) as OperationName)
    .sort();
}

/** The typed document of one operation, e.g. `operationDocument('Offers')`. */
export function operationDocument<N extends OperationName>(name: N): OperationDocument<N> {
  const document = (documents as Record<string, unknown>)[`${name}Document`];
  if (!document) throw new Error(`No operation named ${name} in ${OPERATIONS_DIR} (have: ${operationNames().join(', ')}); run npm run codegen after adding one`);
  return document as OperationDocument<N>;
}

const texts = new Map<string, string>();

/** The text of one operation with the fragments it uses, e.g. `operation('Offers')`: what goes over the wire. */
export function operation(name: string): string {
  let text = texts.get(name);
  if (text === undefined) texts.set(name, (text = print(operationDocument(name as OperationName))));
  return text;
}
