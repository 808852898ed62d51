/** What every example takes: where the gateway is, where to print, when to stop. */
export interface ExampleOptions {
  /** The gateway's GraphQL URL (graphql-ws on the same URL). */
  url: string;
  /** Where output goes, a line (or table) at a time; the CLI prints to stdout, tests collect it. */
  print?: (text: string) => void;
  /** Stops a long-running example (watch) early. */
  signal?: AbortSignal;
}

/** Reads "30s", "2m", "1h", "500ms" or a bare number of seconds; throws on anything else. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not a duration: use a number with ms, s, m or h, like 30s`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(match[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  return Math.round(Number(match[1]) * unit);
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done);
  });
}
