/** Settings of the inventory subgraph, read from the environment. */
import { SUBGRAPH_PRODUCTION_VARIABLES, env, loadSubgraphConfig, subgraphVariables } from '@distribution/config';

export const configShape = {
  ...subgraphVariables(4002),
  // How long a distribution round lasts before it closes by itself (a demo uses seconds, e.g. PT30S).
  ROUND_PERIOD: env.duration('P1M'),
  LOW_STOCK_THRESHOLD: env.int(5),
};

/** What a container deployment must set: in production no embedded database and no development secret. */
export const productionVariables: string[] = [...SUBGRAPH_PRODUCTION_VARIABLES];

/** Reads and checks the settings; throws a ConfigError naming every missing or invalid variable. */
export function loadServiceConfig(environment: NodeJS.ProcessEnv = process.env) {
  const { settings, variables } = loadSubgraphConfig(configShape, productionVariables, environment);
  return { ...settings, roundPeriod: variables.ROUND_PERIOD, lowStockThreshold: variables.LOW_STOCK_THRESHOLD };
}

export type InventoryConfig = ReturnType<typeof loadServiceConfig>;
