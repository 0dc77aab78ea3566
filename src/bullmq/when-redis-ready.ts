import type { Queue } from 'bullmq';

/**
 * Runs `task` once the queue's Redis answers, and again every time it comes back: a Redis
 * restart may have lost what the task sets up (job schedulers). Never holds up the caller.
 */
export function whenRedisReady(queue: Queue, task: () => Promise<void>): void {
  const again = () => queue.getBackend().on('ready', () => void task());
  void queue.waitUntilReady().then(
    () => {
      void task();
      again();
    },
    again,
  );
}
