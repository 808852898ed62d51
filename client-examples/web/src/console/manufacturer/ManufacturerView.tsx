/**
 * A manufacturer's own view: its products with their supply and the distributor's stock of them
 * (live: availabilityChanged for its products is written into the cache), a form to record a
 * production run, its notices as they happen, and its settlements.
 */
import { useMemo } from 'react';
import { useApolloClient, useQuery } from '@apollo/client/react';
import { LiveBadge } from '../../components/LiveBadge';
import { ON_AVAILABILITY_CHANGED } from '../../operations';
import { useLiveSubscription } from '../../live';
import { MY_PRODUCTS } from '../operations';
import { StockChart } from '../StockChart';
import type { ManufacturerProduct } from '../types';
import { Notices } from './Notices';
import { ProduceForm } from './ProduceForm';
import { Settlements } from './Settlements';

type MyProducts = { manufacturer: { id: string; name: string; products: { edges: Array<{ node: ManufacturerProduct }> } } | null };

export function ManufacturerView({ manufacturerId }: { manufacturerId: string }) {
  const client = useApolloClient();
  const { data, error } = useQuery<MyProducts>(MY_PRODUCTS, { variables: { manufacturerId } });
  const products = useMemo(() => data?.manufacturer?.products.edges.map((e) => e.node) ?? [], [data]);
  const productIds = useMemo(() => products.map((p) => p.id), [products]);
  const mode = useLiveSubscription(ON_AVAILABILITY_CHANGED, {
    variables: { productIds },
    skip: productIds.length === 0,
    onData: ({ availabilityChanged: { product, ...stock } }) => {
      // The event is the product's new stock: write it where the products list reads it.
      client.cache.modify({
        id: client.cache.identify({ __typename: 'Product', id: product.id }),
        fields: { stock: (existing: object) => ({ ...existing, ...stock }) },
      });
    },
  });
  if (error) return <p className="error">{error.message}</p>;
  if (data && !data.manufacturer) return <p className="error">This account names no manufacturer.</p>;
  return (
    <main className="console" data-testid="manufacturer-view">
      <div className="column">
        <section data-testid="my-products">
          <h2>
            {data?.manufacturer?.name ?? 'Products'}: products and the distributor&apos;s stock <LiveBadge mode={mode} />
          </h2>
          <table>
            <thead>
              <tr>
                <th>Product</th>
                <th className="num">Price</th>
                <th className="num" title="Units it can still sell">
                  Supply
                </th>
                <th className="num">Available</th>
                <th className="num">Reserved</th>
              </tr>
            </thead>
            <tbody>
              {products.map((p) => (
                <tr key={p.id} data-testid={`my-product-${p.id}`} data-supply={p.supply} data-available={p.stock.available}>
                  <td>
                    {p.name}
                    <div className="muted small">
                      {p.sku} · {p.category}
                    </div>
                  </td>
                  <td className="num">{p.unitPrice}</td>
                  <td className="num">{p.supply}</td>
                  <td className="num">
                    <span className={`stock ${p.stock.status.toLowerCase()}`}>{p.stock.available}</span>
                  </td>
                  <td className="num">{p.stock.reserved}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {products.length > 0 && <StockChart testId="my-stock-chart" bars={products.map((p) => ({ id: p.id, label: p.name, stock: p.stock }))} />}
        </section>
        <ProduceForm products={products} />
      </div>
      <div className="column">
        <Notices />
        <Settlements manufacturerId={manufacturerId} />
      </div>
    </main>
  );
}
