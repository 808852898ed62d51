import { BusPanel } from './BusPanel';
import { RoundsPanel } from './RoundsPanel';
import { SalesChart } from './SalesChart';
import { StockPanel } from './StockPanel';
import { useLiveStock } from '../useLiveStock';

/** The operator's console: rounds, live stock, sales per round, and the event bus. */
export function OperatorConsole() {
  const { stock, mode } = useLiveStock();
  return (
    <main className="console" data-testid="operator-console">
      <div className="column">
        <StockPanel stock={stock} mode={mode} />
      </div>
      <div className="column">
        <RoundsPanel />
        <SalesChart />
        <BusPanel />
      </div>
    </main>
  );
}
