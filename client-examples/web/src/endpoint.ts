/** Where GraphQL is: the gateway itself when the build names it (VITE_GRAPHQL_URL), else /graphql on this page's origin. */
export const GRAPHQL_URL = new URL(import.meta.env.VITE_GRAPHQL_URL || '/graphql', location.href);
