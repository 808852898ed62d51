import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useMutation, useQuery } from '@apollo/client/react';
import { MY_CART, ON_AVAILABILITY_CHANGED, PLACE_ORDER_FROM_CART, REMOVE_FROM_CART, SET_CART_LINE_QUANTITY } from '../operations';
import { useLiveSubscription } from '../live';
import type { CartLine } from '../types';
import type { MyCartQuery, OnAvailabilityChangedSubscription } from '../../../operations/generated/graphql';
import { PrunedDialog, useCartPruning } from './CartPruning';

type StockEvent = OnAvailabilityChangedSubscription;

const PROBLEMS: Record<NonNullable<CartLine['problem']>, (line: CartLine) => string> = {
  INSUFFICIENT_STOCK: (l) => `only ${l.available} available`,
  OUT_OF_STOCK: () => 'out of stock',
  DISCONTINUED: () => 'discontinued',
};

/**
 * Pauses between reads of a cart that does not show the stock inventory announced yet (about 12 s
 * in all); past them the cart waits for the next event.
 */
const CATCH_UP_PAUSES_MS = [0, 100, 200, 400, 800, 1600, 2000, 2000, 2000, 2000];

/** The cart, checked against stock whenever stock of one of its products changes; checkout orders it. */
export function Cart() {
  const { data, refetch, startPolling, stopPolling } = useQuery(MY_CART);
  const cart = data?.me?.cart;
  const key = (cart?.lines ?? [])
    .map((l) => l.product.id)
    .sort()
    .join(',');
  const productIds = useMemo(() => (key ? key.split(',') : []), [key]);
  // Any change to the stock of a product in the cart may make a line unservable: read the cart again.
  const followStock = useCatchingUp(refetch);
  const mode = useLiveSubscription(ON_AVAILABILITY_CHANGED, { variables: { productIds }, skip: productIds.length === 0, onData: followStock });
  useEffect(() => {
    if (mode === 'polling') startPolling(2000);
    else stopPolling();
  }, [mode, startPolling, stopPolling]);

  const [placeOrder, { loading }] = useMutation(PLACE_ORDER_FROM_CART, { refetchQueries: ['MyCart', 'MyOrders'] });
  const [outcome, setOutcome] = useState<string | null>(null);
  const pruning = useCartPruning(cart?.removedLines);
  // One key per checkout attempt: a retry after a lost answer returns the same order, never a second one.
  const attemptKey = useRef<string | null>(null);
  const checkout = async () => {
    attemptKey.current ??= `web-${crypto.randomUUID()}`;
    setOutcome(null);
    try {
      const result = (await placeOrder({ variables: { idempotencyKey: attemptKey.current } })).data?.placeOrder;
      attemptKey.current = null;
      if (result?.__typename === 'Order') setOutcome(`Order placed: ${result.status}`);
      else if (result?.__typename === 'InsufficientStock')
        setOutcome(`Not enough stock: ${result.lines.map((l) => `${l.product.name} (${l.available} of ${l.requested})`).join(', ')}`);
      else if (result?.__typename === 'RoundNotOpen') setOutcome(result.message);
    } catch (error) {
      setOutcome(`Checkout failed, try again: ${(error as Error).message}`);
    }
  };

  if (!cart) return null;
  return (
    <section className="cart" data-testid="cart">
      <h2>Cart</h2>
      {cart.lines.length === 0 ? (
        <p className="muted">Empty.</p>
      ) : (
        <table>
          <tbody>
            {cart.lines.map((line) => (
              <CartRow key={line.product.id} line={line} />
            ))}
          </tbody>
        </table>
      )}
      <p className="total">Total {cart.total}</p>
      {cart.lines.some((line) => line.problem) && (
        <p className="prune">
          <button onClick={() => void pruning.prune()} disabled={pruning.pruning} data-testid="prune-cart">
            Remove what can&apos;t be served
          </button>
        </p>
      )}
      {pruning.problem && <p className="error small">{pruning.problem}</p>}
      {pruning.removed && <PrunedDialog removed={pruning.removed} onClose={pruning.dismiss} />}
      <button className="primary" onClick={() => void checkout()} disabled={loading || !cart.canCheckout} data-testid="checkout">
        {loading ? 'Ordering…' : 'Check out'}
      </button>
      {outcome && (
        <p className="outcome" data-testid="checkout-outcome">
          {outcome}
        </p>
      )}
    </section>
  );
}

/**
 * The cart's `available` and `problem` come from the order service, which hears of a stock change
 * through the event bus, a moment after inventory has told subscribers of it: a cart read at once
 * may still show the stock before. So after an event the cart is read again until every line shows
 * the figure last announced for its product (a newer event starts over; a bounded number of reads).
 */
function useCatchingUp(refetch: () => Promise<{ data?: MyCartQuery }>): (event: StockEvent) => void {
  const announced = useRef(new Map<string, number>());
  const generation = useRef(0);
  useEffect(
    () => () => {
      generation.current = -1;
    },
    [],
  ); // unmounted: stop reading
  return useCallback(
    ({ availabilityChanged: { product, available } }: StockEvent) => {
      announced.current.set(product.id, available);
      const mine = ++generation.current;
      const behind = (line: CartLine) => announced.current.has(line.product.id) && announced.current.get(line.product.id) !== line.available;
      void (async () => {
        for (const pause of CATCH_UP_PAUSES_MS) {
          if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
          if (generation.current !== mine) return;
          const lines = await refetch().then(
            (result) => result.data?.me?.cart.lines,
            () => undefined,
          );
          if (lines && !lines.some(behind)) return;
        }
      })();
    },
    [refetch],
  );
}

function CartRow({ line }: { line: CartLine }) {
  const [setQuantity, quantityChange] = useMutation(SET_CART_LINE_QUANTITY, { refetchQueries: ['MyCart'] });
  const [remove, removal] = useMutation(REMOVE_FROM_CART, { refetchQueries: ['MyCart'] });
  const productId = line.product.id;
  // A failed change is shown from the hooks' error; the rejected promise itself needs no other handler.
  const failure = quantityChange.error ?? removal.error;
  const changeQuantity = (quantity: number) => void setQuantity({ variables: { productId, quantity } }).catch(() => undefined);
  return (
    <tr className={line.problem ? 'problem' : ''} data-testid={`cart-line-${productId}`} data-problem={line.problem ?? ''}>
      <td>
        {line.product.name}
        <div className="muted small">{line.product.manufacturer.name}</div>
        {line.problem && <div className="warning small">{PROBLEMS[line.problem](line)}</div>}
        {failure && <div className="error small">{failure.message}</div>}
      </td>
      <td className="num">
        <button className="small" onClick={() => changeQuantity(line.quantity - 1)} aria-label="one less">
          −
        </button>
        <span className="qty">{line.quantity}</span>
        <button className="small" onClick={() => changeQuantity(line.quantity + 1)} aria-label="one more">
          +
        </button>
      </td>
      <td className="num">{line.unitPrice}</td>
      <td>
        <button className="small link" onClick={() => void remove({ variables: { productId } }).catch(() => undefined)}>
          remove
        </button>
      </td>
    </tr>
  );
}
