/** One attack of the security probe: what it sends, and what a safe deployment answers. */
export interface ProbeTarget {
  /** The gateway's GraphQL URL over HTTP, e.g. http://localhost:4000/graphql. */
  httpUrl: string;
  /** The same endpoint over WebSocket (ws:// or wss://). */
  wsUrl: string;
  /** Tokens to act in a role; an attack that needs one it lacks reports skipped. */
  tokens: { customer?: string; manufacturer?: string; operator?: string };
  /** Subgraph URLs when they are reachable (tests, a private network); attacks on them skip otherwise. */
  subgraphUrls?: Record<string, string>;
}

export interface AttackResult {
  /** The deployment answered as a safe one must. */
  passed: boolean;
  /** What came back, in a few words (status, error code, time). */
  observed: string;
  /** Not run: what it needs is missing (a token, a subgraph URL). */
  skipped?: boolean;
}

export interface Attack {
  name: string;
  /** What a safe deployment answers, in a few words. */
  expected: string;
  run(target: ProbeTarget): Promise<AttackResult>;
}
