/** `npm run account`: the first operator by command, and signing keys for a rotation. */
import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { formatSigningKeys, generateSigningKey, parseSigningKeys } from '@distribution/auth';
import { createTestDatabase } from '@distribution/testkit';
import { createOperatorCommand, newSigningKeySet, promoteSigningKey, retireSigningKeys } from '../scripts/account.js';

describe('npm run account', () => {
  it('create-operator makes an operator account in the database, once, and refuses a weak password', async () => {
    const url = await createTestDatabase('account_cli');
    const env = { DATABASE_URL: url };
    expect(await createOperatorCommand({ email: 'ops@example.com', name: 'Ops', password: 'a long operator password' }, env)).toBe('created');
    expect(await createOperatorCommand({ email: 'OPS@example.com', password: 'another long password' }, env)).toBe('exists');
    await expect(createOperatorCommand({ email: 'weak@example.com', password: 'password123' }, env)).rejects.toThrow(/most common/);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query(`SELECT email, role, name, subject = id::text AS "ownSubject", password_hash LIKE '$argon2id$%' AS argon2id FROM account.account`);
      expect(rows).toEqual([{ email: 'ops@example.com', role: 'OPERATOR', name: 'Ops', ownSubject: true, argon2id: true }]);
    } finally {
      await client.end();
    }
  });

  it('rotates in three steps: a new key published after the current one, then signing first, then alone', async () => {
    const current = await generateSigningKey();
    const published = await newSigningKeySet(formatSigningKeys([current]));
    const [stillSigning, fresh] = await parseSigningKeys(published);
    expect(stillSigning!.kid).toBe(current.kid);
    expect(fresh!.kid).not.toBe(current.kid);
    const promoted = await promoteSigningKey(published);
    expect((await parseSigningKeys(promoted)).map((key) => key.kid)).toEqual([fresh!.kid, current.kid]);
    expect((await parseSigningKeys(await retireSigningKeys(promoted))).map((key) => key.kid)).toEqual([fresh!.kid]);
    expect(await parseSigningKeys(await newSigningKeySet())).toHaveLength(1);
  });
});
