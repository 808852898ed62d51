/**
 * Units sold per round and manufacturer, a group of bars per round (oldest left). A round's sales are
 * known once it closes; the chart is read again whenever a round changes. Each bar carries
 * `data-round`, `data-manufacturer` and `data-units`.
 */
import { useQuery } from '@apollo/client/react';
import { Bar, BarChart, CartesianGrid, Cell, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { ROUND_SALES } from '../operations';
import type { RoundSales } from '../types';

const PALETTE = ['#2457c5', '#2f9e5b', '#e09a1a', '#8e44ad', '#d0453c', '#1b9aaa', '#7a8397', '#c2185b'];

export function SalesChart() {
  const { data, error } = useQuery<{ rounds: { edges: Array<{ node: RoundSales }> } }>(ROUND_SALES, { variables: { first: 8 } });
  if (error) return <p className="error">{error.message}</p>;
  const rounds = (data?.rounds.edges ?? []).map((e) => e.node).reverse();
  const makers = new Map<string, string>();
  for (const round of rounds) for (const sale of round.sales) makers.set(sale.manufacturer.id, sale.manufacturer.name);
  const rows = rounds.map((round) => {
    const row: Record<string, number | string> = { round: `Round ${round.number}`, number: round.number };
    for (const id of makers.keys()) row[id] = 0;
    for (const sale of round.sales) row[sale.manufacturer.id] = (row[sale.manufacturer.id] as number) + sale.unitsSold;
    return row;
  });
  const sold = rows.some((row) => [...makers.keys()].some((id) => (row[id] as number) > 0));
  return (
    <section data-testid="sales-chart" data-rounds={rounds.length}>
      <h2>Units sold per round and manufacturer</h2>
      {!sold ? (
        <p className="muted small">A round&apos;s sales show here once it closes.</p>
      ) : (
        <figure className="chart">
          <ResponsiveContainer width="100%" height={260}>
            <BarChart data={rows} margin={{ top: 4, right: 12, bottom: 4, left: 0 }}>
              <CartesianGrid vertical={false} stroke="#e6e9ef" />
              <XAxis dataKey="round" tick={{ fontSize: 12 }} />
              <YAxis allowDecimals={false} tick={{ fontSize: 12 }} width={40} />
              <Tooltip cursor={{ fill: '#f0f3f8' }} />
              <Legend verticalAlign="top" height={28} />
              {[...makers].map(([id, name], i) => (
                <Bar key={id} dataKey={id} name={name} fill={PALETTE[i % PALETTE.length]} animationDuration={300}>
                  {rows.map((row) => (
                    <Cell key={row.number} data-round={row.number} data-manufacturer={name} data-units={row[id]} />
                  ))}
                </Bar>
              ))}
            </BarChart>
          </ResponsiveContainer>
        </figure>
      )}
    </section>
  );
}
