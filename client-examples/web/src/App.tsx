import { useState } from 'react';
import { Account } from './components/Account';
import { Cart } from './components/Cart';
import { Categories } from './components/Categories';
import { DepletionFeed } from './components/DepletionFeed';
import { Offers } from './components/Offers';
import { Orders } from './components/Orders';
import { RoundBanner } from './components/RoundBanner';
import { useSession } from './session';

export function App() {
  const session = useSession();
  const [category, setCategory] = useState<string | null>(null);
  return (
    <div className="page">
      <header>
        <h1>Distribution network</h1>
        <RoundBanner />
        <Account />
      </header>
      <main>
        <section className="offers">
          <Categories selected={category} onSelect={setCategory} />
          {category ? <Offers category={category} signedIn={Boolean(session)} /> : <p className="muted">Pick a category.</p>}
        </section>
        <aside>
          {session ? (
            <>
              <Cart />
              <Orders />
            </>
          ) : (
            <p className="muted">Sign in or register to fill a cart and order.</p>
          )}
          <DepletionFeed />
        </aside>
      </main>
    </div>
  );
}
