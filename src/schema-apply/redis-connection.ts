import { Redis } from 'ioredis';

/**
 * BullMQ needs maxRetriesPerRequest: null (its blocking commands must survive a Redis restart).
 * The prefix goes to BullMQ's `prefix`, never ioredis' keyPrefix, which breaks BullMQ.
 */
export function bullConnection(redisUrl: string): Redis {
  return new Redis(redisUrl, { maxRetriesPerRequest: null, enableReadyCheck: true });
}

/** Closing a queue waits on Redis; with Redis away, shutdown goes on without it. */
export const CLOSE_TIMEOUT_MS = 3000;
