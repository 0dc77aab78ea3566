import { execFile } from 'node:child_process';
import { chmod, chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type pg from 'pg';

const run = promisify(execFile);
const BIN = '/usr/lib/postgresql/15/bin';

/** A free TCP port on loopback, as the kernel hands one out. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * A PostgreSQL cluster of the test's own on a spare port (initdb and pg_ctl as the `postgres`
 * user), so that a test may stop and restart it without touching the shared server.
 */
export class PrivatePostgres {
  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  /** `hostAuth`: how TCP connections authenticate (the Unix socket always trusts, for the test's own set-up). */
  static async create(options: { hostAuth?: 'trust' | 'scram-sha-256' } = {}): Promise<PrivatePostgres> {
    const dir = await mkdtemp(join(tmpdir(), 'bss-pg-'));
    const { uid, gid } = await userIds('postgres');
    await chown(dir, uid, gid);
    await chmod(dir, 0o700);
    const auth = ['--auth-local=trust', `--auth-host=${options.hostAuth ?? 'trust'}`];
    await asPostgres(`${BIN}/initdb`, ['-D', join(dir, 'data'), ...auth, '-U', 'postgres', '--no-sync', '-E', 'UTF8'], dir);
    const pg = new PrivatePostgres(dir, await freePort());
    await pg.start();
    return pg;
  }

  url(database: string, user = 'postgres', password?: string): string {
    return `postgres://${user}${password ? `:${password}` : ''}@127.0.0.1:${this.port}/${database}`;
  }

  /** Over the Unix socket, which trusts. */
  socketConfig(database: string, user = 'postgres'): pg.ClientConfig {
    return { host: this.dir, port: this.port, database, user };
  }

  async start(): Promise<void> {
    const options = `-p ${this.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${this.dir} -c fsync=off -c max_connections=60`;
    await asPostgres(`${BIN}/pg_ctl`, ['-D', join(this.dir, 'data'), '-l', join(this.dir, 'log'), '-o', options, '-w', 'start'], this.dir);
  }

  /** A fast shutdown, as in a restart or failover: open connections are terminated (57P01). */
  async stop(): Promise<void> {
    await asPostgres(`${BIN}/pg_ctl`, ['-D', join(this.dir, 'data'), '-m', 'fast', '-w', 'stop'], this.dir);
  }

  async destroy(): Promise<void> {
    await asPostgres(`${BIN}/pg_ctl`, ['-D', join(this.dir, 'data'), '-m', 'immediate', '-w', 'stop'], this.dir).catch(() => undefined);
    await rm(this.dir, { recursive: true, force: true });
  }
}

async function asPostgres(command: string, args: string[], cwd: string): Promise<void> {
  await run('runuser', ['-u', 'postgres', '--', command, ...args], { cwd });
}

async function userIds(user: string): Promise<{ uid: number; gid: number }> {
  const [{ stdout: uid }, { stdout: gid }] = await Promise.all([run('id', ['-u', user]), run('id', ['-g', user])]);
  return { uid: Number(uid), gid: Number(gid) };
}
