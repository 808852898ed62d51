import { useState, type FormEvent } from 'react';
import { useMutation } from '@apollo/client/react';
import { REGISTER_CUSTOMER, SIGN_IN, SIGN_OUT } from '../operations';
import { goTo, VIEW_OF_ROLE } from '../route';
import { setSession, useSession, type Role, type Session } from '../session';
import type { SessionTokensFragment } from '../../../operations/generated/graphql';

type Tokens = Pick<SessionTokensFragment, 'accessToken' | 'expiresAt' | 'refreshToken'>;

/**
 * Sign in (any role: the page then shows that role's view) or register as a customer (the session is
 * kept in localStorage), or sign out. `canRegister`: offer registration (the customer's view only).
 */
export function Account({ canRegister = true }: { canRegister?: boolean }) {
  const session = useSession();
  const [mode, setMode] = useState<'signIn' | 'register'>('signIn');
  const [register, registering] = useMutation(REGISTER_CUSTOMER);
  const [signIn, signingIn] = useMutation(SIGN_IN);
  const [signOut] = useMutation(SIGN_OUT);
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<string | null>(null);

  if (session) {
    const leave = async () => {
      // The server ends the session (its refresh token is worthless from now on), then the page forgets it.
      await signOut({ variables: { input: { refreshToken: session.refreshToken } } }).catch(() => undefined);
      setSession(null);
    };
    return (
      <div className="account" data-testid="account">
        Signed in as <strong>{session.name}</strong>{' '}
        <button className="link" onClick={() => void leave()} data-testid="sign-out">
          sign out
        </button>
      </div>
    );
  }

  const start = (tokens: Tokens, role: Role, accountId: string, who: string) => {
    const next: Session = { accessToken: tokens.accessToken, expiresAt: tokens.expiresAt, obtainedAt: Date.now(), refreshToken: tokens.refreshToken, role, accountId, name: who };
    setPassword('');
    setSession(next);
    goTo(VIEW_OF_ROLE[role] ?? 'customer');
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    if (mode === 'register') {
      const result = await register({ variables: { input: { name, email, password } } }).catch((error: Error) => {
        setProblem(error.message);
        return null;
      });
      const registered = result?.data?.registerCustomer;
      if (registered) start(registered, 'CUSTOMER', registered.customer.id, registered.customer.name ?? name);
      return;
    }
    const result = await signIn({ variables: { input: { email, password } } }).catch((error: Error) => {
      setProblem(error.message);
      return null;
    });
    const signedIn = result?.data?.signIn;
    if (signedIn) start(signedIn, signedIn.role, signedIn.subject, email);
  };
  const busy = registering.loading || signingIn.loading;
  return (
    <form className="account" onSubmit={(event) => void submit(event)} data-testid="account-form" data-mode={mode}>
      {mode === 'register' && <input placeholder="Name" value={name} onChange={(e) => setName(e.target.value)} required data-testid="register-name" />}
      <input placeholder="Email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} required data-testid="account-email" />
      <input
        placeholder="Password (10+ characters)"
        type="password"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        required
        minLength={mode === 'register' ? 10 : undefined}
        data-testid="account-password"
      />
      <button type="submit" disabled={busy} data-testid={mode === 'register' ? 'register' : 'sign-in'}>
        {mode === 'register' ? 'Register' : 'Sign in'}
      </button>{' '}
      {(canRegister || mode === 'register') && (
        <button
          type="button"
          className="link"
          onClick={() => {
            setMode(mode === 'register' ? 'signIn' : 'register');
            setProblem(null);
          }}
          data-testid="switch-account-mode"
        >
          {mode === 'register' ? 'I have an account' : 'New here? Register'}
        </button>
      )}
      {problem && (
        <span className="error small" data-testid="account-problem">
          {' '}
          {problem}
        </span>
      )}
    </form>
  );
}
