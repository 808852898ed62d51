// The container deployment takes every secret from its operator: none is written down, none has a default.
import { describe, it, expect } from 'vitest';
import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { parse } from 'yaml';
import { PUBLISHED_SECRETS, secretVariables } from '@distribution/config';
import * as manufacturer from '../subgraphs/manufacturer/src/config.js';
import * as inventory from '../subgraphs/inventory/src/config.js';
import * as order from '../subgraphs/order/src/config.js';
import * as account from '../subgraphs/account/src/config.js';
import * as gateway from '../gateway/src/config.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

type Environment = Record<string, string | number | boolean | null>;
const compose = parse(read('docker-compose.yml')) as { services: Record<string, { environment?: Environment }> };

/** Every secret a service reads (its `env.secret` variables), and the database's password. */
const SECRETS = [...new Set([manufacturer, inventory, order, account, gateway].flatMap((app) => secretVariables(app.configShape)))].concat('POSTGRES_PASSWORD').sort();
/** Names that say "secret" though no config declares them yet: held to the same rule. */
const looksSecret = (name: string) => SECRETS.includes(name) || /SECRET|CREDENTIAL|PASSWORD|TOKEN|PRIVATE_KEY/.test(name);
/** `${NAME:?message}`: compose refuses to start while NAME is unset or empty. */
const required = (name: string) => new RegExp(`\\$\\{${name}:\\?[^}]+\\}`);

describe('secrets in docker-compose.yml', () => {
  it("knows which variables are secrets from the services' own configuration", () => {
    expect(SECRETS).toEqual(['ACCOUNT_SIGNING_KEYS', 'INTERNAL_CREDENTIAL', 'POSTGRES_PASSWORD']);
  });

  it.each(Object.keys(compose.services))('%s: every secret is required from the environment, with no value and no default', (service) => {
    const environment = compose.services[service]!.environment ?? {};
    expect(Array.isArray(environment), 'environment is a map').toBe(false);
    for (const [name, value] of Object.entries(environment).filter(([name]) => looksSecret(name))) {
      expect(String(value), `${service}.${name}`).toMatch(new RegExp(`^${required(name).source}$`));
    }
    // A secret inside another value (the password in DATABASE_URL) is required the same way.
    for (const [name, value] of Object.entries(environment)) {
      for (const [, inner] of String(value).matchAll(/\$\{(\w+)[^}]*\}/g)) {
        if (looksSecret(inner!)) expect(String(value), `${service}.${name} uses ${inner}`).toMatch(required(inner!));
      }
    }
  });

  it('has no default for any secret anywhere in the file', () => {
    const defaults = [...read('docker-compose.yml').matchAll(/\$\{(\w+):?-[^}]*\}/g)].map(([, name]) => name!);
    expect(defaults.filter(looksSecret)).toEqual([]);
  });

  it('.env.example lists every secret with an empty value and says how to make one', () => {
    const example = read('.env.example');
    for (const name of SECRETS) expect(example, name).toMatch(new RegExp(`^${name}=$`, 'm'));
    expect(example).toContain('openssl rand -base64 48');
    expect(example).toContain('.env');
  });

  it('the published development values are all on the list production refuses', () => {
    const written = ['docker-compose.yml', 'README.md', '.env.example', 'client-examples/README.md'].flatMap((file) => {
      // `${NAME:?message}` carries no value, only the message telling the operator what to set.
      const text = read(file).replace(/\$\{\w+:\?[^}]*\}/g, '');
      // NAME=value, NAME: value and ${NAME:-value}, for every secret-like name.
      const assignments = [...text.matchAll(/\b([A-Z][A-Z0-9_]*)[ \t]*(?:=|: |:-)[ \t]*["'`]?([^\s"'`}$]+)/g)];
      return assignments.filter(([, name]) => looksSecret(name!)).map(([, , value]) => value!);
    });
    for (const value of written) expect(PUBLISHED_SECRETS, value).toContain(value);
  });
});

const hasDockerCompose = spawnSync('docker-compose', ['version'], { stdio: 'ignore', timeout: 10_000 }).status === 0;

/** `docker-compose config` with only these variables (no .env, nothing from this shell). */
function composeConfig(variables: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'compose-'));
  const envFile = path.join(dir, 'empty.env');
  writeFileSync(envFile, '');
  return new Promise((resolve) => {
    execFile(
      'docker-compose',
      ['-f', path.join(root, 'docker-compose.yml'), '--env-file', envFile, 'config'],
      {
        env: { PATH: process.env.PATH, HOME: dir, ...variables },
        timeout: 30_000,
      },
      (error, stdout, stderr) => {
        rmSync(dir, { recursive: true, force: true });
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

describe.skipIf(!hasDockerCompose)(hasDockerCompose ? 'docker-compose config' : 'docker-compose config (SKIPPED: no docker-compose binary)', () => {
  const secrets = {
    ACCOUNT_SIGNING_KEYS: JSON.stringify({ keys: [{ kty: 'OKP', crv: 'Ed25519', x: randomBytes(32).toString('base64url'), d: randomBytes(32).toString('base64url') }] }),
    INTERNAL_CREDENTIAL: randomBytes(48).toString('base64'),
    POSTGRES_PASSWORD: randomBytes(32).toString('hex'),
    OPERATOR_EMAIL: 'operator@example.com',
    OPERATOR_PASSWORD: randomBytes(16).toString('hex'),
    GF_SECURITY_ADMIN_PASSWORD: randomBytes(16).toString('hex'),
  };

  it('accepts the file once the secrets are set, and passes them through as given', async () => {
    const { code, stdout, stderr } = await composeConfig(secrets);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const resolved = parse(stdout) as { services: Record<string, { environment: Record<string, string>; ports?: unknown[]; expose?: unknown[] }> };
    expect(resolved.services.gateway!.environment).toMatchObject({
      INTERNAL_CREDENTIAL: secrets.INTERNAL_CREDENTIAL,
      ACCOUNT_URL: 'http://account:4004/graphql',
      CORS_ORIGINS: '',
    });
    expect(resolved.services.account!.environment).toMatchObject({ ACCOUNT_SIGNING_KEYS: secrets.ACCOUNT_SIGNING_KEYS, OPERATOR_PASSWORD: secrets.OPERATOR_PASSWORD });
    expect(resolved.services.order!.environment.DATABASE_URL).toBe(`postgres://distribution:${secrets.POSTGRES_PASSWORD}@postgres:5432/distribution`);
    expect(resolved.services.postgres!.environment.POSTGRES_PASSWORD).toBe(secrets.POSTGRES_PASSWORD);
    expect(resolved.services.gateway!.expose).toEqual(['4000', '9464']);
    expect(resolved.services.grafana!.environment.GF_SECURITY_ADMIN_PASSWORD).toBe(secrets.GF_SECURITY_ADMIN_PASSWORD);
  });

  it.each(Object.keys(secrets))('refuses to start without %s, naming it', async (missing) => {
    const { [missing as keyof typeof secrets]: _left, ...others } = secrets;
    const { code, stderr } = await composeConfig(others);
    expect(code).not.toBe(0);
    expect(stderr).toContain(`set ${missing}`);
  });

  it('refuses an empty secret as it refuses a missing one', async () => {
    const { code, stderr } = await composeConfig({ ...secrets, ACCOUNT_SIGNING_KEYS: '' });
    expect(code).not.toBe(0);
    expect(stderr).toContain('set ACCOUNT_SIGNING_KEYS');
  });
});
