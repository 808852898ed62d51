import type { ReactNode } from 'react';
import { Account } from './components/Account';
import { RoundBanner } from './components/RoundBanner';
import { ManufacturerView } from './console/manufacturer/ManufacturerView';
import { OperatorConsole } from './console/operator/OperatorConsole';
import { goTo, VIEW_OF_ROLE, VIEW_PATHS, useView, type View } from './route';
import { useSession, type Role } from './session';
import { Shop } from './Shop';

const TITLES: Record<View, string> = { customer: 'Shop', operator: 'Operator console', manufacturer: 'Manufacturer' };

/** The page: a header (round, views, account) over the view the address names. */
export function App() {
  const view = useView();
  return (
    <div className={`page view-${view}`} data-view={view}>
      <header>
        <h1>Distribution network</h1>
        <ViewLinks view={view} />
        <RoundBanner />
        <Account canRegister={view === 'customer'} />
      </header>
      {view === 'operator' ? (
        <SignedInAs role="OPERATOR" what="the operator's console">
          <OperatorConsole />
        </SignedInAs>
      ) : view === 'manufacturer' ? (
        <SignedInAs role="MANUFACTURER" what="a manufacturer's view">
          {(accountId) => <ManufacturerView manufacturerId={accountId} />}
        </SignedInAs>
      ) : (
        <Shop />
      )}
    </div>
  );
}

/** Links to the shop and to the signed-in role's own view (every view while signed out, to sign in there). */
function ViewLinks({ view }: { view: View }) {
  const session = useSession();
  const views: View[] = session ? [...new Set<View>(['customer', VIEW_OF_ROLE[session.role] ?? 'customer'])] : ['customer', 'operator', 'manufacturer'];
  if (views.length < 2) return null;
  return (
    <nav className="views" aria-label="Views">
      {views.map((v) => (
        <a
          key={v}
          href={VIEW_PATHS[v]}
          className={v === view ? 'active' : ''}
          aria-current={v === view ? 'page' : undefined}
          data-testid={`view-${v}`}
          onClick={(event) => {
            event.preventDefault();
            goTo(v);
          }}
        >
          {TITLES[v]}
        </a>
      ))}
    </nav>
  );
}

/** Shows `children` to an account of `role`; asks anyone else to sign in as one. */
function SignedInAs({ role, what, children }: { role: Role; what: string; children: ReactNode | ((accountId: string) => ReactNode) }) {
  const session = useSession();
  if (session?.role === role) return <>{typeof children === 'function' ? children(session.accountId) : children}</>;
  return (
    <main className="single">
      <section data-testid="sign-in-needed">
        <h2>{what[0]!.toUpperCase() + what.slice(1)}</h2>
        <p className="muted">
          {session ? `Signed in as ${session.name} (${session.role.toLowerCase()}): ` : ''}
          sign in above with {role === 'OPERATOR' ? 'an operator' : 'a manufacturer'}&apos;s account to see {what}.
        </p>
      </section>
    </main>
  );
}
