import { LiveBadge } from '../../components/LiveBadge';
import { StockChart } from '../StockChart';
import type { StockFigure } from '../types';
import type { LiveMode } from '../../live';

/** The distributor's stock per product, live, with the products running low and those sold out beside it. */
export function StockPanel({ stock, mode }: { stock: StockFigure[]; mode: LiveMode }) {
  const low = stock.filter((s) => s.status === 'LOW');
  const soldOut = stock.filter((s) => s.status === 'DEPLETED');
  return (
    <>
      <section className="stock-panel" data-testid="stock-panel" data-mode={mode}>
        <h2>
          Stock per product <LiveBadge mode={mode} />
        </h2>
        {stock.length === 0 ? (
          <p className="muted">Waiting for the first figures…</p>
        ) : (
          <StockChart testId="stock-chart" bars={stock.map((s) => ({ id: s.product.id, label: s.product.name, stock: s }))} />
        )}
      </section>
      <div className="two-lists">
        <StockList title="Low stock" testId="low-stock" items={low} empty="Nothing is running low." />
        <StockList title="Sold out" testId="sold-out" items={soldOut} empty="Nothing has sold out." />
      </div>
    </>
  );
}

function StockList({ title, testId, items, empty }: { title: string; testId: string; items: StockFigure[]; empty: string }) {
  return (
    <section data-testid={testId} data-count={items.length}>
      <h2>
        {title} <span className="count">{items.length}</span>
      </h2>
      {items.length === 0 ? (
        <p className="muted small">{empty}</p>
      ) : (
        <table>
          <tbody>
            {items.map((s) => (
              <tr key={s.product.id} data-testid={`${testId}-${s.product.id}`}>
                <td>
                  {s.product.name}
                  <div className="muted small">{s.product.manufacturer.name}</div>
                </td>
                <td className="num">
                  <span className={`stock ${s.status.toLowerCase()}`}>{s.available}</span>
                  <div className="muted small">{s.reserved} reserved</div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
