import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

export interface WorkerProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** Starts the real service as a separate `APP_ROLE=worker` process on the run's database and queue prefix. */
export function startWorker(env: Record<string, string> = {}): WorkerProcess {
  let output = '';
  // As `npm start` runs it (see the README on --liftoff-only).
  const child = spawn(process.execPath, ['--liftoff-only', join(process.env.TEST_BUILD_DIR!, 'src/main.js')], {
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: process.env.DATABASE_URL,
      REDIS_URL: process.env.REDIS_URL,
      QUEUE_PREFIX: process.env.QUEUE_PREFIX,
      APP_ENV: 'test',
      APP_ROLE: 'worker',
      WORKER_LOCK_MS: '2000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** Resolves once the worker logged that its BullMQ workers run. */
export async function workerReady(worker: WorkerProcess, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!worker.output().includes('worker started: schema-apply ')) {
    if (worker.child.exitCode !== null) throw new Error(`worker exited early:\n${worker.output()}`);
    if (Date.now() > deadline) throw new Error(`worker not ready:\n${worker.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
