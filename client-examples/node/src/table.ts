/** Plain-text tables for a terminal: a header, a rule, aligned columns (numbers to the right). */

export type Row = Record<string, string | number | boolean | null | undefined>;

/** Formats rows as a table; `columns` picks and orders the keys (default: the first row's). */
export function formatTable(rows: readonly Row[], columns?: readonly string[]): string {
  const keys = columns ?? Object.keys(rows[0] ?? {});
  if (rows.length === 0) return '(none)';
  const cells = rows.map((row) => keys.map((k) => (row[k] === null || row[k] === undefined ? '' : String(row[k]))));
  const numeric = keys.map((k) => rows.every((row) => row[k] === null || row[k] === undefined || typeof row[k] === 'number' || /^-?\d+(\.\d+)?$/.test(String(row[k]))));
  const widths = keys.map((k, i) => Math.max(k.length, ...cells.map((c) => c[i]!.length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => (numeric[i] ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line([...keys]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}
