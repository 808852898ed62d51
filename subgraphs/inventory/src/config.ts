/** Settings of the inventory subgraph, read from the environment. */
import { SUBGRAPH_PRODUCTION_VARIABLES, env, loadSubgraphConfig, subgraphVariables, z } from '@distribution/config';
import { parseRoundSchedule } from './domain/round-schedule.js';

const isRoundSchedule = (text: string) => {
  try {
    parseRoundSchedule(text);
    return true;
  } catch {
    return false;
  }
};

export const configShape = {
  ...subgraphVariables(4002, 9466),
  // How long a distribution round lasts before it closes by itself (a demo uses seconds, e.g. PT30S).
  ROUND_PERIOD: env.duration('P1M'),
  // When the next round opens by itself once the last is settled: monthly, an ISO-8601 interval (PT30S) or manual.
  ROUND_SCHEDULE: z.string().refine(isRoundSchedule, 'must be monthly, manual or an ISO-8601 duration like PT30S').default('monthly'),
  LOW_STOCK_THRESHOLD: env.int(5),
};

/** What a container deployment must set: in production no embedded database and no development secret. */
export const productionVariables: string[] = [...SUBGRAPH_PRODUCTION_VARIABLES];

/** Reads and checks the settings; throws a ConfigError naming every missing or invalid variable. */
export function loadServiceConfig(environment: NodeJS.ProcessEnv = process.env) {
  const { settings, variables } = loadSubgraphConfig(configShape, productionVariables, environment);
  return { ...settings, roundPeriod: variables.ROUND_PERIOD, roundSchedule: variables.ROUND_SCHEDULE, lowStockThreshold: variables.LOW_STOCK_THRESHOLD };
}
