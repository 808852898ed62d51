/** Accounts of every role, their sessions (refresh token families) and failed sign-ins. */
import type { MigrationInterface } from '@distribution/db';

export class Accounts1732000000000 implements MigrationInterface {
  name = 'Accounts1732000000000';

  async up(runner: { query(sql: string): Promise<unknown> }) {
    await runner.query(`
      CREATE TABLE account (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        -- Registration order, for newest-first pages with stable cursors.
        seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        email text NOT NULL,
        -- argon2id, in the PHC string format (algorithm, parameters and salt travel with the hash).
        password_hash text NOT NULL,
        role text NOT NULL CHECK (role IN ('CUSTOMER', 'MANUFACTURER', 'OPERATOR')),
        -- The token's sub: the customer id (= id), the manufacturer id, or the operator's id (= id).
        subject text NOT NULL,
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        password_changed_at timestamptz NOT NULL DEFAULT now()
      );
      -- One account per email address, whatever its case.
      CREATE UNIQUE INDEX account_email_unique ON account (lower(email));
      -- One login per manufacturer (and per customer and operator, whose subject is their own id).
      CREATE UNIQUE INDEX account_subject_unique ON account (role, subject);
      CREATE INDEX account_customers_newest_first ON account (seq DESC) WHERE role = 'CUSTOMER';

      -- A session: every refresh token that one sign-in led to. Revoking it ends them all.
      CREATE TABLE session_family (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        account_id uuid NOT NULL REFERENCES account (id) ON DELETE CASCADE,
        started_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz,
        revoked_because text CHECK (revoked_because IN ('SIGNED_OUT', 'REUSED', 'PASSWORD_CHANGED'))
      );
      CREATE INDEX session_family_by_account ON session_family (account_id) WHERE revoked_at IS NULL;

      -- Refresh tokens, by their SHA-256 (the token itself is never stored). Single use: used_at.
      CREATE TABLE refresh_token (
        token_hash bytea PRIMARY KEY,
        family_id uuid NOT NULL REFERENCES session_family (id) ON DELETE CASCADE,
        issued_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        used_at timestamptz
      );
      CREATE INDEX refresh_token_by_family ON refresh_token (family_id);
      CREATE INDEX refresh_token_expired ON refresh_token (expires_at);

      -- Failed sign-ins per email named, account or not (so a lockout tells nothing about who is registered).
      CREATE TABLE sign_in_failure (
        email_hash bytea PRIMARY KEY,
        failures int NOT NULL,
        last_failure_at timestamptz NOT NULL,
        locked_until timestamptz
      );
    `);
  }

  async down(runner: { query(sql: string): Promise<unknown> }) {
    await runner.query('DROP TABLE sign_in_failure, refresh_token, session_family, account');
  }
}
