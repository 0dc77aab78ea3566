import { type DefaultJobOptions, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { withTimeout } from '../common/with-timeout.js';

/**
 * BullMQ needs maxRetriesPerRequest: null (its blocking commands must survive a Redis restart).
 * The prefix goes to BullMQ's `prefix`, never ioredis' keyPrefix, which breaks BullMQ.
 */
export function bullConnection(redisUrl: string): Redis {
  return new Redis(redisUrl, { maxRetriesPerRequest: null, enableReadyCheck: true });
}

/** Closing waits on Redis; with Redis away, shutdown goes on without it. */
export const CLOSE_TIMEOUT_MS = 3000;

/** A queue on a connection of its own, with explicit job retention. */
export interface OwnedQueue<T = unknown> {
  queue: Queue<T>;
  connection: Redis;
  close(): Promise<void>;
}

export function openQueue<T>(
  name: string,
  settings: { redisUrl: string; queuePrefix: string },
  defaultJobOptions: DefaultJobOptions,
  onError: (message: string) => void,
): OwnedQueue<T> {
  const connection = bullConnection(settings.redisUrl);
  const queue = new Queue<T>(name, { connection, prefix: settings.queuePrefix, defaultJobOptions });
  queue.on('error', (error) => onError(`${name} queue: ${error.message}`));
  return {
    queue,
    connection,
    async close() {
      await withTimeout(queue.close(), CLOSE_TIMEOUT_MS).catch(() => undefined);
      connection.disconnect();
    },
  };
}

/** Runs `task` now if Redis is connected, and again each time it comes back (a restart may have lost schedulers). */
export function whenConnected(connection: Redis, task: () => Promise<void>): void {
  connection.on('ready', () => void task());
  if (connection.status === 'ready') void task();
}
