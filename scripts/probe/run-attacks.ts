/** Runs every attack of the security probe against one deployment and tells what each saw. */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Attack, AttackResult, ProbeTarget } from './attack.js';

export interface ProbeRow extends AttackResult {
  area: string;
  name: string;
  expected: string;
}

const ATTACKS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'attacks');

/** Every attack module in scripts/probe/attacks, by area (its file name). */
export async function loadAttacks(dir = ATTACKS_DIR): Promise<Array<{ area: string; attacks: Attack[] }>> {
  if (!existsSync(dir)) return [];
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .sort();
  const areas = [];
  for (const file of files) {
    const module = (await import(pathToFileURL(path.join(dir, file)).href)) as { attacks?: Attack[] };
    if (!Array.isArray(module.attacks)) throw new Error(`${file} exports no attacks`);
    areas.push({ area: file.replace(/\.ts$/, ''), attacks: module.attacks });
  }
  return areas;
}

/** Runs attacks one at a time (they must not skew each other's limits); a thrown attack is a failure. */
export async function runAttacks(target: ProbeTarget, areas: Array<{ area: string; attacks: Attack[] }>): Promise<ProbeRow[]> {
  const rows: ProbeRow[] = [];
  for (const { area, attacks } of areas) {
    for (const attack of attacks) {
      let result: AttackResult;
      try {
        result = await attack.run(target);
      } catch (error) {
        result = { passed: false, observed: `the probe itself failed: ${(error as Error).message}` };
      }
      rows.push({ area, name: attack.name, expected: attack.expected, ...result });
    }
  }
  return rows;
}

/** The verdict column of a row. */
export const verdict = (row: AttackResult): 'skipped' | 'safe' | 'UNSAFE' => (row.skipped ? 'skipped' : row.passed ? 'safe' : 'UNSAFE');
