/**
 * A signed-in session for a Node client: hands out an access token for each request, and trades the
 * refresh token for a new session shortly before the access token runs out (once, however many
 * requests ask at the same time). graphql-ws reads it at every (re)connection, so a socket the gateway
 * closed because its token ran out (4403) comes back with a fresh one and resubscribes.
 */
import { operation } from '../../operations/index.js';

export interface SessionTokens {
  accessToken: string;
  refreshToken: string;
  /** ISO-8601: when the access token runs out. */
  expiresAt: string;
}

/** The session cannot go on (signed out elsewhere, password changed, refresh token expired): sign in again. */
export class SessionEnded extends Error {
  constructor(message = 'The session has ended; sign in again') {
    super(message);
    this.name = 'SessionEnded';
  }
}

async function call<T>(url: string, name: string, variables: Record<string, unknown>, token?: string): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query: operation(name), variables }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await response.json()) as { data?: T; errors?: Array<{ message: string; extensions?: { code?: string } }> };
  if (body.errors?.length || !body.data) {
    const error = body.errors?.[0];
    if (error?.extensions?.code === 'UNAUTHENTICATED') throw new SessionEnded();
    throw new Error(`${name}: ${error?.message ?? `HTTP ${response.status}`}`);
  }
  return body.data;
}

export class SessionKeeper {
  private refreshing: Promise<SessionTokens> | null = null;

  /** `refreshAheadMs`: how long before the access token runs out it is replaced. */
  constructor(
    private readonly url: string,
    private tokens: SessionTokens,
    private readonly refreshAheadMs = 30_000,
  ) {}

  /** The tokens as they stand (they change at each refresh). */
  get current(): SessionTokens {
    return this.tokens;
  }

  /** The access token to send now: refreshed first when it is about to run out. */
  async accessToken(): Promise<string> {
    if (new Date(this.tokens.expiresAt).getTime() - Date.now() > this.refreshAheadMs) return this.tokens.accessToken;
    this.refreshing ??= this.refresh().finally(() => {
      this.refreshing = null;
    });
    return (await this.refreshing).accessToken;
  }

  /** Ends the session on the server: its refresh token is worthless from then on. */
  async signOut(): Promise<void> {
    await call(this.url, 'SignOut', { input: { refreshToken: this.tokens.refreshToken } });
  }

  private async refresh(): Promise<SessionTokens> {
    const { refreshSession } = await call<{ refreshSession: SessionTokens }>(this.url, 'RefreshSession', { input: { refreshToken: this.tokens.refreshToken } });
    this.tokens = { accessToken: refreshSession.accessToken, refreshToken: refreshSession.refreshToken, expiresAt: refreshSession.expiresAt };
    return this.tokens;
  }
}

/** Signs in with email and password: the session, and whom it speaks for. */
export async function signIn(url: string, email: string, password: string, refreshAheadMs?: number): Promise<{ session: SessionKeeper; role: string; subject: string }> {
  const { signIn: signedIn } = await call<{ signIn: SessionTokens & { role: string; subject: string } }>(url, 'SignIn', { input: { email, password } }).catch((error: unknown) => {
    throw error instanceof SessionEnded ? new Error('SignIn: the email or the password is wrong') : error;
  });
  return { session: new SessionKeeper(url, signedIn, refreshAheadMs), role: signedIn.role, subject: signedIn.subject };
}
