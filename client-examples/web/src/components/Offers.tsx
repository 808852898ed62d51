import { useState } from 'react';
import { useApolloClient, useMutation, useQuery } from '@apollo/client/react';
import { ADD_TO_CART, OFFERS, ON_AVAILABILITY_CHANGED } from '../operations';
import { pollWhen, useLiveSubscription } from '../live';
import type { Offer } from '../types';
import { LiveBadge } from './LiveBadge';

/** The same goods from every manufacturer of a category, with stock that follows every order live. */
export function Offers({ category, signedIn }: { category: string; signedIn: boolean }) {
  const client = useApolloClient();
  const mode = useLiveSubscription(ON_AVAILABILITY_CHANGED, {
    variables: { category },
    onData: ({ availabilityChanged: { product, ...stock } }) => {
      // The event is the product's new stock: write it where the offers list reads it.
      client.cache.modify({
        id: client.cache.identify({ __typename: 'Product', id: product.id }),
        fields: { stock: (existing: object) => ({ ...existing, ...stock }) },
      });
    },
  });
  const { data, error } = useQuery(OFFERS, { variables: { category }, pollInterval: pollWhen(mode, 1000) });
  if (error) return <p className="error">{error.message}</p>;
  return (
    <div>
      <h2>
        Offers: {category} <LiveBadge mode={mode} />
      </h2>
      <table data-testid="offers" data-mode={mode}>
        <thead>
          <tr>
            <th>Product</th>
            <th>Manufacturer</th>
            <th className="num">Price</th>
            <th className="num">Available</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(data?.offers ?? []).map((o) => (
            <OfferRow key={o.id} offer={o} signedIn={signedIn} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function OfferRow({ offer, signedIn }: { offer: Offer; signedIn: boolean }) {
  const [addToCart, { loading }] = useMutation(ADD_TO_CART, { refetchQueries: ['MyCart'] });
  const [message, setMessage] = useState<string | null>(null);
  const add = async () => {
    setMessage(null);
    try {
      const result = (await addToCart({ variables: { productId: offer.id, quantity: 1 } })).data?.addToCart;
      if (result?.__typename === 'InsufficientStock') setMessage(`only ${result.lines[0]?.available ?? 0} available`);
    } catch (error) {
      setMessage(`not added: ${(error as Error).message}`);
    }
  };
  return (
    <tr data-testid={`offer-${offer.id}`} data-available={offer.stock.available} className={offer.stock.status.toLowerCase()}>
      <td>{offer.name}</td>
      <td>{offer.manufacturer.name}</td>
      <td className="num">{offer.unitPrice}</td>
      <td className="num">
        <span className={`stock ${offer.stock.status.toLowerCase()}`}>{offer.stock.available}</span>
      </td>
      <td>
        <button onClick={() => void add()} disabled={!signedIn || loading || offer.stock.available === 0} data-testid={`add-${offer.id}`}>
          Add
        </button>
        {message && <span className="warning"> {message}</span>}
      </td>
    </tr>
  );
}
