/** A minimal GraphQL-over-HTTP client (real requests, JSON in and out). */
export interface GraphQLResult<D = any> {
  status: number;
  data?: D;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

export async function gql<D = any>(url: string, query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<GraphQLResult<D>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const text = await res.text();
  try {
    const body = JSON.parse(text) as { data?: D; errors?: GraphQLResult['errors'] };
    return { status: res.status, data: body.data, errors: body.errors };
  } catch {
    return { status: res.status, errors: [{ message: `non-JSON answer (${res.status}): ${text.slice(0, 200)}` }] };
  }
}

/** The data, or an error naming what failed. */
export async function must<D = any>(what: string, url: string, query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<D> {
  const result = await gql<D>(url, query, variables, headers);
  if (result.errors?.length || !result.data) throw new Error(`${what}: ${result.status} ${JSON.stringify(result.errors ?? 'no data')}`);
  return result.data;
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Runs `tasks` with at most `limit` in flight. */
export async function inFlight<T>(limit: number, tasks: Array<() => Promise<T>>): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, tasks.length) }, async () => {
      while (next < tasks.length) {
        const i = next++;
        results[i] = await tasks[i]!();
      }
    }),
  );
  return results;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it gives a truthy value; throws after `timeoutMs`. */
export async function until<T>(what: string, check: () => Promise<T>, timeoutMs = 30_000, intervalMs = 50): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(intervalMs);
  }
}
