import { useState, type FormEvent } from 'react';
import { useMutation } from '@apollo/client/react';
import { PRODUCE } from '../operations';
import type { ManufacturerProduct } from '../types';

const MAX_RUN = 1_000_000;

/** Records a production run: the product's supply grows, and the distributor pulls it into stock during the round. */
export function ProduceForm({ products }: { products: ManufacturerProduct[] }) {
  const [produce, { loading }] = useMutation<{ produce: { id: string; name: string; supply: number } }>(PRODUCE, { refetchQueries: ['MyProducts'] });
  const [productId, setProductId] = useState('');
  const [quantity, setQuantity] = useState('10');
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  const chosen = productId || products[0]?.id || '';
  const units = Number(quantity);
  const valid = Number.isInteger(units) && units >= 1 && units <= MAX_RUN;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setOutcome(null);
    try {
      const result = (await produce({ variables: { productId: chosen, quantity: units } })).data?.produce;
      if (result) setOutcome({ ok: true, text: `Produced ${units} × ${result.name}: supply now ${result.supply}` });
    } catch (error) {
      setOutcome({ ok: false, text: (error as Error).message });
    }
  };
  return (
    <section data-testid="produce">
      <h2>Record a production run</h2>
      <form className="produce" onSubmit={(event) => void submit(event)}>
        <select value={chosen} onChange={(e) => setProductId(e.target.value)} data-testid="produce-product" aria-label="Product">
          {products.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
        <input type="number" min={1} max={MAX_RUN} step={1} value={quantity} onChange={(e) => setQuantity(e.target.value)} aria-label="Units" data-testid="produce-quantity" />
        <button className="primary" type="submit" disabled={loading || !valid || !chosen} data-testid="produce-submit">
          Produce
        </button>
      </form>
      {outcome && (
        <p className={outcome.ok ? 'outcome' : 'error small'} data-testid="produce-outcome">
          {outcome.text}
        </p>
      )}
    </section>
  );
}
