/**
 * The signed-in account's session (a customer, a manufacturer or the operator), kept in localStorage so a reload keeps it; components follow it
 * with useSession. Access tokens are short: `freshAccessToken` trades the refresh token for a new
 * session shortly before the access token runs out (once, however many requests ask at the same
 * time), and a refresh the server refuses (signed out elsewhere, password changed) signs the page out.
 */
import { useSyncExternalStore } from 'react';
import { GRAPHQL_URL } from './endpoint';

export interface Session {
  accessToken: string;
  /** ISO-8601: when accessToken runs out. */
  expiresAt: string;
  /** Epoch ms when this access token was received: with expiresAt, its lifetime. */
  obtainedAt: number;
  refreshToken: string;
  role: Role;
  /** Who signed in: the customer's or the manufacturer's id, or the operator's account id (the token's subject). */
  accountId: string;
  name: string;
}

export type Role = 'CUSTOMER' | 'MANUFACTURER' | 'OPERATOR';

const KEY = 'distribution.session';
/** Refresh this long before the access token runs out (a third of its lifetime when that is shorter), so no request carries one about to expire. */
const REFRESH_AHEAD_MS = 30_000;
const REFRESH = `mutation RefreshSession($input: RefreshSessionInput!) { refreshSession(input: $input) { accessToken expiresAt refreshToken } }`;

const listeners = new Set<() => void>();
let current: Session | null = read();
let refreshing: Promise<Session | null> | null = null;

function read(): Session | null {
  try {
    const stored = JSON.parse(localStorage.getItem(KEY) ?? 'null') as Session | null;
    // A session stored before roles were kept is signed in again rather than guessed at.
    return stored?.refreshToken && stored.role && stored.accountId ? stored : null;
  } catch {
    return null;
  }
}

export function getSession(): Session | null {
  return current;
}

export function setSession(session: Session | null): void {
  if (session) localStorage.setItem(KEY, JSON.stringify(session));
  else localStorage.removeItem(KEY);
  current = session;
  listeners.forEach((l) => l());
}

export function onSessionChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useSession(): Session | null {
  return useSyncExternalStore(onSessionChange, getSession);
}

/** The access token to send now: the current one, or a refreshed one when it is about to run out; null when signed out. */
export async function freshAccessToken(): Promise<string | null> {
  const session = current;
  if (!session) return null;
  const expiresAt = new Date(session.expiresAt).getTime();
  const ahead = Math.min(REFRESH_AHEAD_MS, (expiresAt - (session.obtainedAt ?? 0)) / 3);
  if (expiresAt - Date.now() > ahead) return session.accessToken;
  refreshing ??= refresh(session).finally(() => {
    refreshing = null;
  });
  return (await refreshing)?.accessToken ?? null;
}

async function refresh(session: Session): Promise<Session | null> {
  try {
    const response = await fetch(GRAPHQL_URL.href, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: REFRESH, variables: { input: { refreshToken: session.refreshToken } } }),
    });
    const body = (await response.json()) as {
      data?: { refreshSession?: Pick<Session, 'accessToken' | 'expiresAt' | 'refreshToken'> };
      errors?: Array<{ extensions?: { code?: string } }>;
    };
    const next = body.data?.refreshSession;
    if (next) {
      // Another tab may have signed out meanwhile: only a session still current is replaced.
      if (current?.refreshToken === session.refreshToken) setSession({ ...session, ...next, obtainedAt: Date.now() });
      return current;
    }
    // Refused for good (revoked, expired, used twice): the page is signed out.
    if (body.errors?.[0]?.extensions?.code === 'UNAUTHENTICATED' && current?.refreshToken === session.refreshToken) setSession(null);
  } catch {
    // The network failed: keep the session, the next request tries again.
  }
  return current === session ? session : current;
}
