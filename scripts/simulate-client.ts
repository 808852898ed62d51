/** The simulator's GraphQL client: plain fetch, the operations from client-examples/operations, errors thrown with their code. */
import { operation } from '../client-examples/operations/index.js';

export class GraphQLFailure extends Error {
  constructor(
    message: string,
    public readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'GraphQLFailure';
  }
}

export type Call = <T = any>(operationName: string, variables?: Record<string, unknown>) => Promise<T>;

/** A caller for `url` as the holder of `token` (anonymous without one). */
export function caller(url: string, token?: string): Call {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) };
  return async (operationName, variables = {}) => {
    const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query: operation(operationName), variables }) });
    const body = (await res.json().catch(() => ({ errors: [{ message: `HTTP ${res.status} with a body that is not JSON` }] }))) as {
      data?: any;
      errors?: Array<{ message: string; extensions?: { code?: string } }>;
    };
    if (body.errors?.length) throw new GraphQLFailure(`${operationName}: ${body.errors[0]!.message}`, body.errors[0]!.extensions?.code);
    return body.data;
  };
}

/** Every node of a connection, a page of 100 at a time (`pick` finds the connection in the data). */
export async function allNodes<N = any>(
  call: Call,
  operationName: string,
  variables: Record<string, unknown>,
  pick: (data: any) => { edges: Array<{ node: N }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } },
): Promise<N[]> {
  const nodes: N[] = [];
  let after: string | null = null;
  for (let page = 0; page < 1000; page++) {
    const connection = pick(await call(operationName, { ...variables, first: 100, after }));
    nodes.push(...connection.edges.map((e) => e.node));
    if (!connection.pageInfo.hasNextPage) break;
    after = connection.pageInfo.endCursor;
  }
  return nodes;
}
