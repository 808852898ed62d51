import { useState } from 'react';
import { Cart } from './components/Cart';
import { Categories } from './components/Categories';
import { DepletionFeed } from './components/DepletionFeed';
import { Offers } from './components/Offers';
import { Orders } from './components/Orders';
import { useSession } from './session';

/** The customer's view: offers by category, and once signed in as a customer, the cart and orders. */
export function Shop() {
  const session = useSession();
  const customer = session?.role === 'CUSTOMER';
  const [category, setCategory] = useState<string | null>(null);
  return (
    <main>
      <section className="offers">
        <Categories selected={category} onSelect={setCategory} />
        {category ? <Offers category={category} signedIn={customer} /> : <p className="muted">Pick a category.</p>}
      </section>
      <aside>
        {customer ? (
          <>
            <Cart />
            <Orders />
          </>
        ) : (
          <p className="muted">{session ? 'Carts and orders are for customers.' : 'Sign in or register to fill a cart and order.'}</p>
        )}
        <DepletionFeed />
      </aside>
    </main>
  );
}
