/**
 * Prints the mutation score per file from a Stryker report (default: the committed incremental
 * file), as the Markdown table TESTING.md keeps. Usage: tsx scripts/mutation-score.ts [report.json]
 */
import { readFileSync } from 'node:fs';

interface Report {
  files: Record<string, { mutants: Array<{ status: string }> }>;
}

const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);

const report = JSON.parse(readFileSync(process.argv[2] ?? 'reports/stryker-incremental.json', 'utf8')) as Report;
const rows = Object.entries(report.files)
  .sort(([a], [b]) => a.localeCompare(b))
  .map(([file, { mutants }]) => {
    const count = (statuses: Set<string>) => mutants.filter((m) => statuses.has(m.status)).length;
    return { file, killed: count(DETECTED), survived: count(new Set(['Survived'])), noCoverage: count(new Set(['NoCoverage'])), valid: count(DETECTED) + count(UNDETECTED) };
  });
const score = (killed: number, valid: number) => (valid === 0 ? 'n/a' : `${((100 * killed) / valid).toFixed(1)}%`);
const total = rows.reduce((t, r) => ({ killed: t.killed + r.killed, survived: t.survived + r.survived, noCoverage: t.noCoverage + r.noCoverage, valid: t.valid + r.valid }), {
  killed: 0,
  survived: 0,
  noCoverage: 0,
  valid: 0,
});

console.log('| module | score | killed | survived | no coverage |');
console.log('|---|---|---|---|---|');
for (const r of rows) console.log(`| \`${r.file}\` | ${score(r.killed, r.valid)} | ${r.killed} | ${r.survived} | ${r.noCoverage} |`);
console.log(`| **all** | **${score(total.killed, total.valid)}** | ${total.killed} | ${total.survived} | ${total.noCoverage} |`);
