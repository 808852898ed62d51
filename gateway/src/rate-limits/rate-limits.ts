/**
 * The gateway's rate limits: account mutations per client address and per identity, new WebSocket
 * connections per address. Counted in this process, or in Redis when REDIS_URL is set so that
 * every replica shares one count. When Redis is unreachable each replica falls back to counting in
 * its own memory (rate-limiter-flexible's insurance limiter): limits stay on, at worst N replicas
 * times as loose, rather than off (fail-open) or refusing everyone (fail-closed).
 */
import type { IncomingMessage } from 'node:http';
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { DocumentNode, GraphQLError, OperationDefinitionNode } from 'graphql';
import type { Identity } from '@distribution/auth';
import { rateLimited } from '@distribution/errors';
import type { Logger } from '@distribution/logging';
import { accountFieldsOf } from './account-fields.js';
import { addressKey, clientAddress } from './client-address.js';
import { DEFAULT_RATE_LIMITS, type Quota, type RateLimitSettings } from './settings.js';

/** A Redis command that takes longer than this counts as Redis being down (the insurance limiter answers). */
const REDIS_COMMAND_TIMEOUT_MS = 500;
/** How long a starting gateway waits for Redis before counting in memory meanwhile. */
const REDIS_READY_WAIT_MS = 2000;

/** What a limit check needs to know about one GraphQL request. */
export interface LimitedRequest {
  document: DocumentNode;
  operation: OperationDefinitionNode;
  variables: Readonly<Record<string, unknown>> | undefined;
  address: string;
  identity: Identity | null;
}

export class RateLimits {
  private readonly accountMutations: ReadonlySet<string>;
  private readonly accountPerAddress: RateLimiterAbstract;
  private readonly accountPerIdentity: RateLimiterAbstract;
  private readonly connectionsPerAddress: RateLimiterAbstract;
  private readonly redis?: Redis;
  private readonly settings: RateLimitSettings;

  /** `overrides` left unset (or undefined) take DEFAULT_RATE_LIMITS. */
  constructor(
    overrides: Partial<RateLimitSettings> = {},
    private readonly logger: Logger,
  ) {
    const settings: RateLimitSettings = { ...DEFAULT_RATE_LIMITS };
    for (const [name, value] of Object.entries(overrides)) if (value !== undefined) Object.assign(settings, { [name]: value });
    this.settings = settings;
    this.accountMutations = new Set(settings.accountMutations);
    if (settings.redisUrl) this.redis = connectRedis(settings.redisUrl, logger);
    const limiter = (name: string, quota: Quota) => {
      const options = { keyPrefix: `${settings.keyPrefix}:${name}`, points: quota.points, duration: quota.durationSeconds };
      if (!this.redis) return new RateLimiterMemory(options);
      return new RateLimiterRedis({
        ...options,
        storeClient: this.redis,
        // Not ready (connecting, reconnecting): straight to the insurance limiter, no waiting on a dead socket.
        rejectIfRedisNotReady: true,
        insuranceLimiter: new RateLimiterMemory(options),
      });
    };
    this.accountPerAddress = limiter('account-address', settings.accountPerAddress);
    this.accountPerIdentity = limiter('account-identity', settings.accountPerIdentity);
    this.connectionsPerAddress = limiter('connect-address', settings.connectionsPerAddress);
  }

  /** Resolves once Redis answers, or after a short wait (counts stay in memory until it does). */
  async ready(): Promise<void> {
    const redis = this.redis;
    if (!redis || redis.status === 'ready') return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        redis.off('ready', done);
        resolve();
      };
      const timer = setTimeout(() => {
        this.logger.warn({ afterMs: REDIS_READY_WAIT_MS }, 'Redis is not answering: rate limits count in this process until it does');
        done();
      }, REDIS_READY_WAIT_MS);
      redis.once('ready', done);
    });
  }

  /** The address limits count `req` under (see client-address.ts). */
  addressOf(req: IncomingMessage): string {
    return clientAddress(req, this.settings.trustedProxies);
  }

  /**
   * Consumes the request's account mutations from both quotas; a RATE_LIMITED error (with
   * retryAfterSeconds) when either is spent, undefined when the request may go on.
   */
  async checkOperation({ document, operation, variables, address, identity }: LimitedRequest): Promise<GraphQLError | undefined> {
    const fields = accountFieldsOf(document, operation, this.accountMutations, variables);
    if (fields.length === 0) return undefined;
    let waitMs = await this.consume(this.accountPerAddress, addressKey(address), fields.length);
    if (waitMs !== undefined) return refusal(waitMs);
    // The signed-in caller is one identity whatever it names; an anonymous caller is the account it names.
    const perIdentity = new Map<string, number>();
    for (const { account } of fields) {
      const key = identity ? `${identity.role}:${identity.sub}` : account === undefined ? undefined : `account:${account}`;
      if (key !== undefined) perIdentity.set(key, (perIdentity.get(key) ?? 0) + 1);
    }
    for (const [key, points] of perIdentity) {
      waitMs = await this.consume(this.accountPerIdentity, key, points);
      if (waitMs !== undefined) return refusal(waitMs);
    }
    return undefined;
  }

  /** Counts a new WebSocket connection from `address`; the seconds to wait when its quota is spent. */
  async admitConnection(address: string): Promise<number | undefined> {
    const waitMs = await this.consume(this.connectionsPerAddress, addressKey(address), 1);
    return waitMs === undefined ? undefined : retryAfterSeconds(waitMs);
  }

  async close(): Promise<void> {
    this.redis?.disconnect();
  }

  /** Undefined when the points were there; otherwise how long until they are. */
  private async consume(limiter: RateLimiterAbstract, key: string, points: number): Promise<number | undefined> {
    try {
      await limiter.consume(key, points);
      return undefined;
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return rejection.msBeforeNext;
      // Only a failure of the insurance limiter itself (memory) lands here: let the request through, loudly.
      this.logger.error({ err: rejection }, 'a rate limit could not be checked; the request goes on');
      return undefined;
    }
  }
}

const retryAfterSeconds = (waitMs: number) => Math.max(1, Math.ceil(waitMs / 1000));

function refusal(waitMs: number): GraphQLError {
  const seconds = retryAfterSeconds(waitMs);
  return rateLimited(seconds, `Too many attempts; try again in ${seconds} s`);
}

function connectRedis(url: string, logger: Logger): Redis {
  const redis = new Redis(url, {
    // A command for a Redis that is down fails at once (the insurance limiter answers) instead of queueing.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
    connectTimeout: REDIS_READY_WAIT_MS,
    // Reconnects for ever, at most every 2 s: limits go back to shared counts as soon as it is back.
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
  let down = false;
  redis.on('error', (error: Error) => {
    if (down) return;
    down = true;
    logger.warn({ err: error }, 'Redis unreachable: rate limits count in this process until it is back');
  });
  redis.on('ready', () => {
    if (down) logger.info('Redis is back: rate limits are shared again');
    down = false;
  });
  return redis;
}
