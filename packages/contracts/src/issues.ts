/** Internal: zod's issues as one short line, for logs and the parked event's `error`. */
import type { z } from 'zod';

const MAX_ISSUES = 5;

export function describeIssues(error: z.ZodError): string[] {
  const lines = error.issues.slice(0, MAX_ISSUES).map((issue) => `${pathOf(issue.path) || 'payload'}: ${issue.message}`);
  if (error.issues.length > MAX_ISSUES) lines.push(`and ${error.issues.length - MAX_ISSUES} more`);
  return lines;
}

function pathOf(path: readonly PropertyKey[]): string {
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i ? '.' : ''}${String(key)}`)).join('');
}
