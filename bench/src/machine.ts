/** What the figures were measured on. */
import os from 'node:os';
import { execFileSync } from 'node:child_process';
import pg from 'pg';

export interface Machine {
  hostname: string;
  platform: string;
  kernel: string;
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  postgres: string;
  pgbench: string;
  loadAverageAtStart: number[];
}

export function pgbenchBinary(): string {
  for (const candidate of ['pgbench', '/usr/lib/postgresql/15/bin/pgbench']) {
    try {
      execFileSync(candidate, ['--version'], { stdio: 'pipe' });
      return candidate;
    } catch {
      /* next */
    }
  }
  throw new Error('pgbench is missing: apt-get install -y postgresql-client (or postgresql-contrib)');
}

export async function describeMachine(databaseUrl: string): Promise<Machine> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const { rows } = await client.query<{ version: string }>('SELECT version()');
  await client.end();
  let pgbench = 'missing';
  try {
    pgbench = execFileSync(pgbenchBinary(), ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    /* reported as missing */
  }
  const cpus = os.cpus();
  return {
    hostname: os.hostname(),
    platform: `${os.platform()} ${os.arch()}`,
    kernel: os.release(),
    cpuModel: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    postgres: rows[0]!.version,
    pgbench,
    loadAverageAtStart: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}
