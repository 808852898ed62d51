/**
 * One page, a view per role: the customer's shop at `/`, the operator's console at `/operator`, the
 * manufacturer's view at `/manufacturer`. The path is the state; links push it and the back button
 * pops it (Vite's dev and preview servers answer every path with the page; a static host needs the
 * same fallback to index.html).
 */
import { useSyncExternalStore } from 'react';

export type View = 'customer' | 'operator' | 'manufacturer';

export const VIEW_PATHS: Record<View, string> = { customer: '/', operator: '/operator', manufacturer: '/manufacturer' };

/** The view a signed-in role lands on. */
export const VIEW_OF_ROLE: Record<string, View> = { CUSTOMER: 'customer', OPERATOR: 'operator', MANUFACTURER: 'manufacturer' };

const listeners = new Set<() => void>();

function viewOf(pathname: string): View {
  const path = pathname.replace(/\/+$/, '');
  if (path === VIEW_PATHS.operator) return 'operator';
  if (path === VIEW_PATHS.manufacturer) return 'manufacturer';
  return 'customer';
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener('popstate', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', listener);
  };
}

/** The view the address bar names, following links and the back button. */
export function useView(): View {
  return useSyncExternalStore(subscribe, () => viewOf(location.pathname));
}

/** Shows `view` (a new history entry unless it is shown already). */
export function goTo(view: View): void {
  if (viewOf(location.pathname) === view) return;
  history.pushState(null, '', VIEW_PATHS[view]);
  listeners.forEach((listener) => listener());
}
