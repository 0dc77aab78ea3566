import { type ChildProcess, spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import { waitFor } from './wait-for.js';

/** A private, unpersisted redis-server on a spare port, to stop and start under a running service. */
export class PrivateRedis {
  readonly port = 16000 + Math.floor(Math.random() * 2000);
  readonly url = `redis://127.0.0.1:${this.port}`;
  private child?: ChildProcess;

  async start(): Promise<void> {
    this.child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    await waitFor('redis to answer', async () => {
      const probe = new Redis({ port: this.port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null });
      const ok = await probe.connect().then(
        () => probe.ping(),
        () => false,
      );
      probe.disconnect();
      return ok === 'PONG';
    });
  }

  /** Gone at once, with everything it held. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}
