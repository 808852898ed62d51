// `npm run lint`: TypeScript with typescript-eslint (recommended plus type-aware rules that catch lost
// promises), the subgraph schemas and the client operations with graphql-eslint.
import { readFileSync } from 'node:fs';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import graphqlPlugin from '@graphql-eslint/eslint-plugin';
import { Supergraph } from '@apollo/federation-internals';
import { printSchema } from 'graphql';

const SUBGRAPHS = ['manufacturer', 'inventory', 'order', 'account'];

// Client operations are validated against what clients can query: the supergraph's API schema
// (without join__/link__ machinery and @inaccessible elements), derived here so it is never stale.
const apiSchemaSdl = printSchema(Supergraph.build(readFileSync('gateway/supergraph.graphql', 'utf8')).apiSchema().toGraphQLJSSchema());

// graphql-eslint keeps the first graphql-config it sees for the whole run: one config, a project per schema.
const graphQLConfig = {
  projects: {
    ...Object.fromEntries(SUBGRAPHS.map((name) => [name, { schema: `subgraphs/${name}/src/schema.graphql` }])),
    operations: { schema: apiSchemaSdl, documents: ['client-examples/operations/**/*.graphql', 'client-examples/web/src/console/operations/*.graphql'] },
  },
};

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '.data/**', 'coverage/**', 'test-artifacts/**', 'bench/results/**', '**/generated/**'] },

  {
    files: ['**/*.{ts,tsx,js,mjs}'],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    languageOptions: {
      parserOptions: {
        // Each file is checked with the tsconfig of its workspace (client-examples/web, bench, ...).
        projectService: { allowDefaultProject: ['*.config.{js,ts}'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // A promise nobody awaits loses its error (an unhandled rejection ends the process).
      '@typescript-eslint/no-floating-promises': 'error',
      // An async callback where a void one is expected: its rejection goes nowhere.
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      // `any` marks untyped JSON at the edges (GraphQL results read by tests and clients, SQL rows); the rules
      // above catch the bugs that matter. Typing those ~165 uses is a cleanup of its own, not a gate.
      '@typescript-eslint/no-explicit-any': 'off',
      // `_name` says "deliberately unused" (a parameter a signature requires, a destructured rest).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
    },
  },
  {
    // Plain JavaScript has no types for the type-aware rules.
    files: ['**/*.{js,mjs}'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' } },
  },

  {
    files: ['subgraphs/*/src/schema.graphql'],
    languageOptions: { parser: graphqlPlugin.parser, parserOptions: { graphQLConfig } },
    plugins: { '@graphql-eslint': graphqlPlugin },
    rules: {
      ...graphqlPlugin.configs['flat/schema-recommended'].rules,
      // House style: a one-line description is an inline string, a longer one a block string.
      '@graphql-eslint/description-style': 'off',
      // Every root field says what it does; types whose name says it all (connections, edges, results) may go without.
      '@graphql-eslint/require-description': ['error', { rootField: true }],
      // Value types (connections, edges, results, shortages) have no identity of their own.
      '@graphql-eslint/strict-id-in-types': 'off',
      // A `#` comment over an entity another subgraph owns is deliberate: its description stays with the owner.
      '@graphql-eslint/no-hashtag-description': 'off',
    },
  },
  {
    files: ['client-examples/operations/**/*.graphql', 'client-examples/web/src/console/operations/*.graphql'],
    languageOptions: { parser: graphqlPlugin.parser, parserOptions: { graphQLConfig } },
    plugins: { '@graphql-eslint': graphqlPlugin },
    rules: {
      ...graphqlPlugin.configs['flat/operations-recommended'].rules,
    },
  },
);
