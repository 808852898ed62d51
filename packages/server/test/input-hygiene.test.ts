/** Input hygiene (src/input-hygiene.ts): which texts are refused, where, and that nothing runs before the refusal. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { gql } from 'graphql-tag';
import { getOperationAST, parse } from 'graphql/index.js';
import { pino } from 'pino';
import { identityToHeaders } from '@distribution/auth';
import { liveClient, type LiveClient } from '@distribution/testkit';
import { InputHygiene, type InputHygieneRules } from '../src/input-hygiene.js';
import { startSubgraph, type RunningSubgraph } from '../src/subgraph-server.js';

const typeDefs = gql`
  scalar Amount
  scalar Json
  input NoteInput {
    title: String!
    body: String
    tags: [String!]
    code: ID
  }
  input OrderInput {
    notes: [NoteInput!]!
    key: String!
  }
  input Filter {
    text: String
    and: [Filter!]
  }
  type Query {
    find(filter: Filter): String
    echo(text: String, id: ID, amount: Amount, json: Json, texts: [String!]): String
    short(text: String!): String
    note(input: NoteInput!): String
  }
  type Mutation {
    order(input: OrderInput!): Int
  }
  type Subscription {
    watch(text: String!): String
  }
`;

/** Every resolver call, so that a test can show none ran. */
const calls: string[] = [];
const resolvers = {
  Query: {
    echo: (_: unknown, args: { text?: string }) => {
      calls.push('echo');
      return args.text ?? null;
    },
    short: (_: unknown, args: { text: string }) => {
      calls.push('short');
      return args.text;
    },
    note: (_: unknown, args: { input: { title: string } }) => {
      calls.push('note');
      return args.input.title;
    },
  },
  Mutation: {
    order: () => {
      calls.push('order');
      return 1;
    },
  },
  Subscription: {
    watch: {
      subscribe: async function* (_: unknown, args: { text: string }) {
        calls.push('watch');
        yield args.text;
      },
      resolve: (text: string) => text,
    },
  },
};
const schema = buildSubgraphSchema({ typeDefs, resolvers });

const rules: InputHygieneRules = {
  defaultMaxLength: 50,
  maxLength: { 'Query.short(text:)': 5, 'NoteInput.body': 200, ID: 10 },
  freeText: new Set(['NoteInput.body']),
};
const hygiene = new InputHygiene(rules);

/** The refusal of `query` with `variables`, as extensions (null when accepted). */
function check(query: string, variables?: Record<string, unknown>) {
  const document = parse(query);
  const error = hygiene.check(schema, document, getOperationAST(document)!, variables);
  return error ? { message: error.message, ...error.extensions } : null;
}

describe('which texts input hygiene refuses', () => {
  it('accepts printable text of any script, emoji included', () => {
    expect(check('query ($t: String) { echo(text: $t) }', { t: 'Grüße, 東京 ☕ 👩‍🔧' })).toBeNull();
    expect(check('{ echo(text: "Grüße, 東京 ☕") }')).toBeNull();
  });

  it('refuses NUL and other control characters, inline and in variables, naming the argument and the rule', () => {
    expect(check('{ echo(text: "a\\u0000b") }')).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'text', rule: 'control-character', message: expect.stringContaining('U+0000') });
    expect(check('query ($t: String) { echo(text: $t) }', { t: 'a\u0000b' })).toMatchObject({ code: 'BAD_USER_INPUT', argument: '$t', rule: 'control-character' });
    for (const character of ['\u0001', '\u001B', '\u007F', '\u0085', '\u009F', '\n', '\r', '\t', '\u2028']) {
      expect(check('query ($t: String) { echo(text: $t) }', { t: `a${character}b` }), JSON.stringify(character)).toMatchObject({ rule: 'control-character' });
    }
  });

  it('accepts line breaks and tabs only in the fields declared free text, and still no other control character there', () => {
    const note = (body: string) => check('query ($n: NoteInput!) { note(input: $n) }', { n: { title: 'T', body } });
    expect(note('first line\nsecond line\r\n\tindented')).toBeNull();
    expect(note('bell\u0007')).toMatchObject({ argument: '$n.body', rule: 'control-character' });
    expect(check('query ($n: NoteInput!) { note(input: $n) }', { n: { title: 'two\nlines' } })).toMatchObject({ argument: '$n.title', rule: 'control-character' });
  });

  it('refuses texts past the default length, or past the override of their field or scalar', () => {
    expect(check('query ($t: String) { echo(text: $t) }', { t: 'x'.repeat(50) })).toBeNull();
    expect(check('query ($t: String) { echo(text: $t) }', { t: 'x'.repeat(51) })).toMatchObject({ argument: '$t', rule: 'too-long', maxLength: 50 });
    expect(check('{ short(text: "123456") }')).toMatchObject({ argument: 'text', rule: 'too-long', maxLength: 5 });
    // A variable takes the strictest rule of the places it is used in.
    expect(check('query ($t: String!) { echo(text: $t) short(text: $t) }', { t: '123456' })).toMatchObject({ rule: 'too-long', maxLength: 5 });
    expect(check('query ($n: NoteInput!) { note(input: $n) }', { n: { title: 'T', body: 'x'.repeat(200) } })).toBeNull();
    expect(check('{ echo(id: "12345678901") }')).toMatchObject({ argument: 'id', rule: 'too-long', maxLength: 10 });
    expect(check('query ($n: NoteInput!) { note(input: $n) }', { n: { title: 'T', code: '12345678901' } })).toMatchObject({ argument: '$n.code', maxLength: 10 });
  });

  it('refuses text that is not well-formed Unicode (a lone surrogate)', () => {
    expect(check('query ($t: String) { echo(text: $t) }', { t: 'a\uD800b' })).toMatchObject({ rule: 'malformed-unicode' });
    expect(check('query ($t: String) { echo(text: $t) }', { t: 'a\uDC00' })).toMatchObject({ rule: 'malformed-unicode' });
  });

  it('walks nested input objects and lists, inline and in variables, with the path to the text', () => {
    const bad = { notes: [{ title: 'ok' }, { title: 'ok', tags: ['fine', 'no\u0000'] }], key: 'k' };
    expect(check('mutation ($o: OrderInput!) { order(input: $o) }', { o: bad })).toMatchObject({ argument: '$o.notes[1].tags[1]', rule: 'control-character' });
    expect(check('mutation { order(input: { key: "k", notes: [{ title: "ok" }, { title: "x\\u0001" }] }) }')).toMatchObject({ argument: 'input.notes[1].title' });
    expect(check('mutation ($t: String!) { order(input: { key: $t, notes: [] }) }', { t: 'k\u0000' })).toMatchObject({ argument: '$t' });
    expect(check('query ($l: [String!]) { echo(texts: $l) }', { l: ['a', 'b\u0000'] })).toMatchObject({ argument: '$l[1]' });
    const filter = { and: [{ text: 'ok', and: [{ text: 'ok' }, { text: 'deep\u0000' }] }] };
    expect(check('query ($f: Filter) { find(filter: $f) }', { f: filter })).toMatchObject({ argument: '$f.and[0].and[1].text' });
    // A single value where a list is expected is a list of one.
    expect(check('query ($l: [String!]) { echo(texts: $l) }', { l: 'b\u0000' })).toMatchObject({ argument: '$l' });
  });

  it('checks custom scalars given as text, and leaves those given as objects alone', () => {
    expect(check('query ($a: Amount) { echo(amount: $a) }', { a: '12.50\u0000' })).toMatchObject({ argument: '$a', rule: 'control-character' });
    expect(check('query ($j: Json) { echo(json: $j) }', { j: { anything: 'x\u0000' } })).toBeNull();
  });

  it('checks default values of variables, and texts in fragments and directives', () => {
    expect(check('query ($t: String = "a\\u0000") { echo(text: $t) }')).toMatchObject({ argument: '$t', rule: 'control-character' });
    expect(check('query { ...F } fragment F on Query { echo(text: "a\\u0000") }')).toMatchObject({ argument: 'text' });
  });

  it('ignores variables the operation does not declare, and values of the wrong type (GraphQL refuses those itself)', () => {
    expect(check('query ($t: String) { echo(text: $t) }', { t: 'fine', other: 'x\u0000' })).toBeNull();
    expect(check('query ($n: NoteInput!) { note(input: $n) }', { n: 'not an object\u0000' })).toBeNull();
  });
});

describe('a subgraph refuses bad texts before any resolver runs', () => {
  const CREDENTIAL = 'input-hygiene-credential';
  let subgraph: RunningSubgraph;
  let client: LiveClient;

  beforeAll(async () => {
    subgraph = await startSubgraph({
      name: 'hygiene',
      schema,
      port: 0,
      host: '127.0.0.1',
      internalCredential: CREDENTIAL,
      logger: pino({ level: 'silent' }),
      createContext: (base) => base,
    });
    client = liveClient(subgraph.url, identityToHeaders(null, CREDENTIAL));
  });
  afterAll(async () => {
    await client?.close();
    await subgraph?.stop();
  });

  const post = async (query: string, variables: Record<string, unknown>) => {
    const res = await fetch(subgraph.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...identityToHeaders(null, CREDENTIAL) },
      body: JSON.stringify({ query, variables }),
    });
    return { status: res.status, body: (await res.json()) as { data?: unknown; errors?: Array<{ message: string; extensions: Record<string, unknown> }> } };
  };

  it('over HTTP: 400 with BAD_USER_INPUT, the path and the rule, and the resolver never called', async () => {
    calls.length = 0;
    const { status, body } = await post('mutation ($o: OrderInput!) { order(input: $o) }', { o: { key: 'k', notes: [{ title: 'a\u0000' }] } });
    expect(status).toBe(400);
    expect(body.data).toBeUndefined();
    expect(body.errors).toEqual([
      {
        message: expect.stringContaining('control character'),
        extensions: { code: 'BAD_USER_INPUT', argument: '$o.notes[0].title', rule: 'control-character' },
      },
    ]);
    const long = await post('query ($t: String) { echo(text: $t) }', { t: 'x'.repeat(100_000) });
    expect(long.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'too-long', maxLength: 1000 });
    expect(calls).toEqual([]);
    expect((await post('query ($t: String) { echo(text: $t) }', { t: 'clean' })).body).toEqual({ data: { echo: 'clean' } });
  });

  it('over graphql-ws: the subscription is refused the same way, and never started', async () => {
    calls.length = 0;
    const watch = client.watch('subscription ($t: String!) { watch(text: $t) }', { t: 'a\u001Bb' });
    const refused = await watch.take();
    expect(refused).toEqual({
      kind: 'error',
      error: [{ message: expect.stringContaining('U+001B'), extensions: { code: 'BAD_USER_INPUT', argument: '$t', rule: 'control-character' } }],
    });
    expect(calls).toEqual([]);
    expect(await client.watch('subscription ($t: String!) { watch(text: $t) }', { t: 'clean' }).next('watch')).toBe('clean');
  });
});
