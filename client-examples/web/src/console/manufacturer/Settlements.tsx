import { useQuery } from '@apollo/client/react';
import { SETTLEMENTS } from '../operations';
import type { Settlement } from '../types';

type SettlementsQuery = { manufacturer: { settlements: { edges: Array<{ node: Settlement }> } } | null };

/** What the manufacturer sold, newest round first: booked once per round when the distributor closes it. */
export function Settlements({ manufacturerId }: { manufacturerId: string }) {
  const { data, error } = useQuery<SettlementsQuery>(SETTLEMENTS, { variables: { manufacturerId, first: 10 } });
  const settlements = data?.manufacturer?.settlements.edges.map((e) => e.node) ?? [];
  return (
    <section data-testid="settlements" data-count={settlements.length}>
      <h2>Settlements</h2>
      {error && <p className="error small">{error.message}</p>}
      {settlements.length === 0 ? (
        <p className="muted small">None yet: a round&apos;s sales are booked here once it closes.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Round</th>
              <th>Sold</th>
              <th className="num">Units</th>
              <th className="num">Revenue</th>
            </tr>
          </thead>
          <tbody>
            {settlements.map((s) => (
              <tr key={s.id} data-testid={`settlement-${s.roundNumber}`} data-units={s.unitsSold}>
                <td>
                  {s.roundNumber}
                  <div className="muted small">{new Date(s.appliedAt).toLocaleDateString()}</div>
                </td>
                <td className="small">{s.lines.map((l) => `${l.unitsSold} × ${l.product.name}`).join(', ') || '—'}</td>
                <td className="num">{s.unitsSold}</td>
                <td className="num">{s.revenue}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
