/** What every part of the bench gets: settings, the Postgres server, the network, a log. */
import type { BenchSettings } from './settings.js';
import type { BenchNetwork } from './network.js';

export interface BenchContext {
  settings: BenchSettings;
  /** The embedded Postgres server (database `postgres`). */
  serverUrl: string;
  network: BenchNetwork;
  /** Scratch folder of this run (logs of child processes, pgbench scripts). */
  tmpDir: string;
  /** The copy of gateway/supergraph.graphql taken at the start: every gateway of the run serves it. */
  supergraphPath: string;
  log(message: string): void;
  /** Every command and setting used, recorded in the result file. */
  commands: string[];
}
