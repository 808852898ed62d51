/** A tiny GraphQL-over-HTTP client for tests: real requests, JSON in and out. */
export interface GraphQLResponse<D = any> {
  status: number;
  data?: D;
  errors?: Array<{ message: string; path?: unknown[]; extensions?: Record<string, unknown> & { code?: string } }>;
  headers: Headers;
}

export interface GraphQLClientOptions {
  url: string;
  headers?: Record<string, string>;
}

export function graphqlClient(options: GraphQLClientOptions) {
  return async function request<D = any>(query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<GraphQLResponse<D>> {
    const res = await fetch(options.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...options.headers, ...headers },
      body: JSON.stringify({ query, variables }),
    });
    const text = await res.text();
    let body: { data?: D; errors?: GraphQLResponse['errors'] } = {};
    try {
      body = JSON.parse(text);
    } catch {
      body = { errors: [{ message: `Non-JSON response (${res.status}): ${text.slice(0, 200)}` }] };
    }
    return { status: res.status, data: body.data, errors: body.errors, headers: res.headers };
  };
}

export type GraphQLRequest = ReturnType<typeof graphqlClient>;
