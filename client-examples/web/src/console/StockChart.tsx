/**
 * Stock per product as a stacked bar: available (green, amber when low, red when gone) and reserved
 * for confirmed orders (grey). Each bar carries its figures as data attributes (`data-product`,
 * `data-series`, `data-units`), which is how the browser test reads the chart after an order.
 */
import { Bar, BarChart, CartesianGrid, Cell, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { Stock } from '../types';

export interface StockBar {
  id: string;
  label: string;
  stock: Pick<Stock, 'available' | 'reserved' | 'status'>;
}

const AVAILABLE_COLOUR: Record<Stock['status'], string> = { IN_STOCK: '#2f9e5b', LOW: '#e09a1a', DEPLETED: '#d0453c' };
const RESERVED_COLOUR = '#8e9ab3';
const ROW_HEIGHT = 30;

export function StockChart({ bars, testId }: { bars: StockBar[]; testId: string }) {
  const data = bars.map((b) => ({ id: b.id, label: b.label, available: b.stock.available, reserved: b.stock.reserved, status: b.stock.status }));
  return (
    <figure className="chart" data-testid={testId} data-products={bars.length}>
      <ResponsiveContainer width="100%" height={Math.max(120, data.length * ROW_HEIGHT + 70)}>
        <BarChart data={data} layout="vertical" margin={{ top: 4, right: 24, bottom: 4, left: 8 }} barCategoryGap={6}>
          <CartesianGrid horizontal={false} stroke="#e6e9ef" />
          <XAxis type="number" allowDecimals={false} tick={{ fontSize: 12 }} />
          <YAxis type="category" dataKey="label" width={230} tick={{ fontSize: 12 }} interval={0} />
          <Tooltip cursor={{ fill: '#f0f3f8' }} />
          <Legend verticalAlign="top" height={28} />
          <Bar dataKey="available" name="Available" stackId="stock" fill={AVAILABLE_COLOUR.IN_STOCK} animationDuration={300}>
            {data.map((d) => (
              <Cell key={d.id} fill={AVAILABLE_COLOUR[d.status]} data-product={d.id} data-series="available" data-units={d.available} />
            ))}
          </Bar>
          <Bar dataKey="reserved" name="Reserved" stackId="stock" fill={RESERVED_COLOUR} animationDuration={300}>
            {data.map((d) => (
              <Cell key={d.id} data-product={d.id} data-series="reserved" data-units={d.reserved} />
            ))}
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}
