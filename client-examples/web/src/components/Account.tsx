import { useState, type FormEvent } from 'react';
import { useMutation } from '@apollo/client/react';
import { REGISTER_CUSTOMER } from '../operations';
import { setSession, useSession } from '../session';

type Registered = { registerCustomer: { token: string; customer: { id: string; name: string } } };

/** Register as a customer (the token is kept in localStorage), or sign out. */
export function Account() {
  const session = useSession();
  const [register, { loading, error }] = useMutation<Registered>(REGISTER_CUSTOMER);
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  if (session) {
    return (
      <div className="account" data-testid="account">
        Signed in as <strong>{session.name}</strong>{' '}
        <button className="link" onClick={() => setSession(null)}>sign out</button>
      </div>
    );
  }
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = await register({ variables: { input: { name, email } } }).catch(() => null);
    const registered = result?.data?.registerCustomer;
    if (registered) setSession({ token: registered.token, customerId: registered.customer.id, name: registered.customer.name });
  };
  return (
    <form className="account" onSubmit={(event) => void submit(event)}>
      <input placeholder="Name" value={name} onChange={(e) => setName(e.target.value)} required data-testid="register-name" />
      <input placeholder="Email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} required data-testid="register-email" />
      <button type="submit" disabled={loading} data-testid="register">Register</button>
      {error && <span className="error small"> {error.message}</span>}
    </form>
  );
}
