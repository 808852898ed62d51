import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { definedEvents, schemaOf } from '../src/index.js';

/** PROTOCOL.md, the document people read, against the contract the code runs. */
const protocol = readFileSync(new URL('../PROTOCOL.md', import.meta.url), 'utf8');

interface Section {
  type: string;
  version: number;
  body: string;
}

/** Every `### <Name> v<version>` section with its text up to the next heading. */
function sections(text: string): Section[] {
  const headings = [...text.matchAll(/^#{2,3} .*$/gm)];
  return headings.flatMap((heading, i) => {
    const match = /^### (\w+) v(\d+)\s*$/.exec(heading[0]);
    if (!match) return [];
    const body = text.slice(heading.index! + heading[0].length, headings[i + 1]?.index ?? text.length);
    return [{ type: match[1]!, version: Number(match[2]), body }];
  });
}

/** Field names of a documented payload `{ a, b: type, c: [{ d, e? }] }`, nested lists of objects included. */
type Fields = Map<string, Fields | null>;
function documentedFields(list: string): Fields {
  const inner = list.trim().replace(/^\{/, '').replace(/\}$/, '');
  const parts: string[] = [];
  let depth = 0;
  let part = '';
  for (const ch of inner) {
    if ('[{('.includes(ch)) depth++;
    if (']})'.includes(ch)) depth--;
    if (ch === ',' && depth === 0) {
      parts.push(part);
      part = '';
    } else part += ch;
  }
  parts.push(part);
  const fields: Fields = new Map();
  for (const raw of parts.map((p) => p.trim()).filter(Boolean)) {
    const name = /^(\w+)\??/.exec(raw)![1]!;
    const nested = /\[\s*(\{.*\})\s*\]/.exec(raw);
    fields.set(name, nested ? documentedFields(nested[1]!) : null);
  }
  return fields;
}

/** The same shape read from a zod schema: object keys, and the keys of objects inside lists. */
function schemaFields(schema: z.ZodType): Fields {
  const fields: Fields = new Map();
  for (const [name, field] of Object.entries((schema as z.ZodObject).shape)) {
    let inner = field as z.ZodType;
    while (inner instanceof z.ZodOptional || inner instanceof z.ZodNullable) inner = inner.unwrap() as z.ZodType;
    const element = inner instanceof z.ZodArray ? (inner.element as z.ZodType) : null;
    fields.set(name, element instanceof z.ZodObject ? schemaFields(element) : null);
  }
  return fields;
}

const plain = (fields: Fields): unknown => Object.fromEntries([...fields].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, v && plain(v)]));

/** The fields a section documents: its first `{ ... }` code span, or those of the event it says it shares a payload with. */
function fieldsOf(section: Section, all: Section[]): Fields {
  const list = /`(\{[^`]*\})`/.exec(section.body);
  if (list) return documentedFields(list[1]!);
  const same = /Same payload as `?(\w+)`?/.exec(section.body);
  if (!same) throw new Error(`${section.type} v${section.version} documents no fields`);
  return fieldsOf(
    all.find((s) => s.type === same[1])!,
    all,
  );
}

describe('PROTOCOL.md and the contract', () => {
  const documented = sections(protocol);
  const key = (e: { type: string; version: number }) => `${e.type} v${e.version}`;

  it('documents every event the contract defines, and defines every event it documents', () => {
    expect(documented.map(key).sort()).toEqual(definedEvents().map(key).sort());
    expect(new Set(documented.map(key)).size).toBe(documented.length);
  });

  it('lists, for each event, the fields its schema has (and those of the objects in its lists)', () => {
    for (const section of documented) {
      const schema = schemaOf(section.type, section.version);
      expect(schema, key(section)).toBeDefined();
      expect(plain(fieldsOf(section, documented)), key(section)).toEqual(plain(schemaFields(schema!)));
    }
  });
});
