/** The rules for passwords, emails and names, and that credentials never reach a log line. */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '@distribution/logging';
import { checkedEmail, checkedName, passwordProblem } from '../src/domain/credentials.js';
import { hashPassword, passwordMatches } from '../src/passwords.js';

describe('a password', () => {
  it('needs at least 10 characters and at most 200', () => {
    expect(passwordProblem('nine char')).toMatch(/at least 10/);
    expect(passwordProblem('ten chars!')).toBeNull();
    expect(passwordProblem('x'.repeat(201))).toMatch(/at most 200/);
    // Characters, not bytes: ten letters of any script will do.
    expect(passwordProblem('ééééééééé')).toMatch(/at least 10/);
    expect(passwordProblem('éééééééééé')).toBeNull();
  });

  it('may hold spaces, symbols and any script, but no control character', () => {
    for (const password of ['correct horse battery', '!@#$%^&*()_+{}|:"<>?', 'пароль-из-кириллицы', '  leading and trailing  ']) {
      expect(passwordProblem(password), password).toBeNull();
    }
    for (const control of ['\u0000', '\n', '\u001b', '\u007f']) expect(passwordProblem(`good password${control}`)).toMatch(/control characters/);
  });

  it('is refused when it is among the most common ones, in any case and spacing, or is the email', () => {
    for (const common of ['password123', 'PASSWORD123', 'qwerty uiop', '1234567890', 'iloveyou123']) expect(passwordProblem(common), common).toMatch(/most common/);
    expect(passwordProblem('grace.hopper@example.com', 'Grace.Hopper@example.com')).toMatch(/email/);
    expect(passwordProblem('gracehopper', 'gracehopper@example.com')).toMatch(/email/);
  });
});

describe('emails and names', () => {
  it('keeps an email trimmed, and refuses what is not one', () => {
    expect(checkedEmail('  Ada@Example.com ')).toBe('Ada@Example.com');
    for (const bad of ['nope', 'a@b', 'a b@example.com', `${'x'.repeat(250)}@example.com`, 'a\u0000@example.com']) expect(checkedEmail(bad), bad).toBeNull();
  });

  it('keeps a name trimmed, 1 to 200 characters', () => {
    expect(checkedName('  Ada  ')).toBe('Ada');
    expect(checkedName('   ')).toBeNull();
    expect(checkedName('x'.repeat(201))).toBeNull();
  });
});

describe('hashing', () => {
  it('stores argon2id with its costs and salt, and tells the right password from a wrong one', async () => {
    const stored = await hashPassword('correct horse battery');
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(stored).not.toContain('correct horse');
    expect(await hashPassword('correct horse battery')).not.toBe(stored);
    expect(await passwordMatches(stored, 'correct horse battery')).toBe(true);
    expect(await passwordMatches(stored, 'correct horse batterY')).toBe(false);
    // No account: a dummy check of the same cost, never a match.
    expect(await passwordMatches(null, 'correct horse battery')).toBe(false);
    expect(await passwordMatches('not a hash', 'anything at all')).toBe(false);
  });
});

describe('logs', () => {
  it('never carry a password, a refresh token or a bearer token, at any depth', () => {
    const lines: string[] = [];
    const logger = createLogger(
      'account-test',
      'info',
      new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    logger.info({ password: 'top secret one', input: { email: 'a@example.com', password: 'top secret two', newPassword: 'top secret three' } }, 'sign-in');
    logger.info({ variables: { input: { currentPassword: 'top secret four', refreshToken: 'top secret five' } }, headers: { authorization: 'Bearer top secret six' } }, 'request');
    const text = lines.join('');
    expect(text).not.toMatch(/top secret/);
    expect(text).toContain('a@example.com');
    expect(text.match(/\[redacted\]/g)).toHaveLength(6);
  });
});
