/**
 * The event bus's health per service: each consumer's backlog, how long its oldest unapplied event
 * has waited, and what it parked. Backlogs have no event of their own, so the figures are read every
 * few seconds; a consumer that parks an event says so at once (the bus notices), which reads them again.
 */
import { useState } from 'react';
import type { OperationVariables } from '@apollo/client';
import { useQuery } from '@apollo/client/react';
import { useLiveSubscription } from '../../live';
import { BUS_REPAIRS, BUS_STATUS, type BusService } from '../operations';
import type { BusNotice, ServiceBus } from '../types';
import { ParkedEvents } from './ParkedEvents';

const SERVICES: BusService[] = ['inventory', 'order', 'manufacturer'];
type BusStatus = Record<`${BusService}Bus`, ServiceBus>;

export function BusPanel() {
  const { data, error, refetch } = useQuery<BusStatus>(BUS_STATUS, { pollInterval: 3000 });
  const [notice, setNotice] = useState<BusNotice | null>(null);
  const heard = (n: BusNotice) => {
    setNotice(n);
    void refetch().catch(() => undefined);
  };
  return (
    <section className="bus-panel" data-testid="bus-panel">
      <h2>Event bus</h2>
      {SERVICES.map((service) => (
        <BusNotices key={service} service={service} onNotice={heard} />
      ))}
      {notice && (
        <p className="notice small" data-testid="bus-notice">
          {notice.consumer} parked {notice.parkedEvents === 1 ? 'an event' : `${notice.parkedEvents} events`} ({notice.eventType}): {notice.error}
        </p>
      )}
      {error && <p className="error small">{error.message}</p>}
      <table className="consumers">
        <thead>
          <tr>
            <th>Consumer</th>
            <th className="num">Backlog</th>
            <th className="num">Oldest waiting</th>
            <th className="num">Parked</th>
          </tr>
        </thead>
        <tbody>
          {SERVICES.flatMap((service) =>
            (data?.[`${service}Bus`].consumers ?? []).map((c) => (
              <tr key={c.consumer} data-testid={`consumer-${c.consumer}`} data-backlog={c.backlog} data-parked={c.parked} className={c.parked > 0 ? 'problem' : ''}>
                <td>
                  {c.consumer}
                  <div className="muted small">{c.eventTypes.join(', ')}</div>
                </td>
                <td className="num">{c.backlog}</td>
                <td className="num">{c.oldestUnappliedAgeSeconds === null ? '—' : `${c.oldestUnappliedAgeSeconds.toFixed(1)} s`}</td>
                <td className="num">{c.parked > 0 ? <strong className="error">{c.parked}</strong> : 0}</td>
              </tr>
            )),
          )}
        </tbody>
      </table>
      {SERVICES.map((service) => data && <ParkedEvents key={service} service={service} bus={data[`${service}Bus`]} onRepaired={() => void refetch()} />)}
    </section>
  );
}

/** Follows one service's bus notices (a subscription per service: the API has one field each). */
function BusNotices({ service, onNotice }: { service: BusService; onNotice: (notice: BusNotice) => void }) {
  useLiveSubscription<Record<string, BusNotice>, OperationVariables>(BUS_REPAIRS[service].notices, { onData: (data) => onNotice(data[`${service}BusNotices`]!) });
  return null;
}
