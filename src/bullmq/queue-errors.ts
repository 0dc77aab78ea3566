import type { Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';

/** A lost Redis connection is logged as a warning; BullMQ reconnects by itself. */
export function logConnectionErrors(queue: Queue, logger: Logger): void {
  queue.on('error', (error: Error) => logger.warn(`${queue.name} queue: ${error.message}`));
}
