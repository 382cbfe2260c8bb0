/**
 * A real PostgreSQL for the tests, started by the tests: initdb + pg_ctl into a temp dir (as the
 * `postgres` user when running as root, since the server refuses to run as root), on a free port,
 * with the unix socket inside the temp dir. fsync stays on (durability is part of what is tested);
 * shared_buffers is small. One cluster per test file; `stop()` is an immediate shutdown and removes
 * the directory. Binaries are looked up on PATH, then in /usr/lib/postgresql/<newest>/bin
 * (Debian's `postgresql` package, which .ci/run installs when they are missing).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, chmodSync, chownSync, constants, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import pg from 'pg';
import { freePort } from './freePort';

export interface TestPostgres {
  /** postgres://postgres@127.0.0.1:<port>/till_cloud */
  url: string;
  /** Another empty database in the same cluster; returns its URL. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function findPostgresBin(): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && executable(join(dir, 'initdb')) && executable(join(dir, 'pg_ctl'))) return dir;
  }
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => /^\d+(\.\d+)?$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const version of versions) {
      const dir = join(root, version, 'bin');
      if (executable(join(dir, 'initdb')) && executable(join(dir, 'pg_ctl'))) return dir;
    }
  }
  throw new Error('PostgreSQL server binaries (initdb, pg_ctl) not found on PATH or in /usr/lib/postgresql/*/bin; install the `postgresql` package');
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

function postgresIds(): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

/** Runs a server binary, as `postgres` when we are root. */
function run(bin: string, args: string[], options: { timeoutMs?: number } = {}): void {
  let command = bin;
  let argv = args;
  if (isRoot) {
    if (existsSync('/usr/sbin/runuser') || existsSync('/sbin/runuser') || existsSync('/usr/bin/runuser')) {
      command = 'runuser';
      argv = ['-u', 'postgres', '--', bin, ...args];
    } else {
      command = 'su';
      argv = ['postgres', '-s', '/bin/sh', '-c', [bin, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ')];
    }
  }
  const result = spawnSync(command, argv, { encoding: 'utf8', timeout: options.timeoutMs ?? 120_000, env: { ...process.env, LC_ALL: 'C', LANG: 'C' } });
  if (result.status !== 0) {
    throw new Error(`${[command, ...argv].join(' ')} failed (${result.status ?? result.signal}): ${result.stderr || result.stdout || result.error?.message}`);
  }
}

const running = new Set<() => void>();
process.once('exit', () => {
  for (const stop of running) stop();
});

export interface StartPostgresOptions {
  /** Extra server settings (-c name=value), e.g. a bigger shared_buffers for a bench. */
  settings?: Record<string, string>;
}

export async function startPostgres(startOptions: StartPostgresOptions = {}): Promise<TestPostgres> {
  const bin = findPostgresBin();
  const dir = mkdtempSync(join(tmpdir(), 'till-pg-'));
  const data = join(dir, 'data');
  if (isRoot) {
    const { uid, gid } = postgresIds();
    chownSync(dir, uid, gid);
  }
  chmodSync(dir, 0o700);
  // initdb's own final sync adds seconds and protects nothing a test needs; the server runs with fsync on.
  run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const port = await freePort();
  const options = [
    `-p ${port}`,
    `-k ${dir}`,
    "-c listen_addresses='127.0.0.1'",
    '-c fsync=on',
    '-c shared_buffers=32MB',
    '-c max_connections=60',
    '-c log_min_messages=warning',
    ...Object.entries(startOptions.settings ?? {}).map(([name, value]) => `-c ${name}=${value}`),
  ].join(' ');
  run(join(bin, 'pg_ctl'), ['-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '60', '-o', options, 'start']);
  const stopNow = () => {
    try {
      run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop'], { timeoutMs: 30_000 });
    } catch {
      /* already down */
    }
    rmSync(dir, { recursive: true, force: true });
  };
  running.add(stopNow);

  const base = `postgres://postgres@127.0.0.1:${port}`;
  const createDatabase = async (name: string): Promise<string> => {
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`);
    const client = new pg.Client({ connectionString: `${base}/postgres` });
    await client.connect();
    try {
      await client.query(`CREATE DATABASE ${name}`);
    } finally {
      await client.end();
    }
    return `${base}/${name}`;
  };
  const url = await createDatabase('till_cloud');
  return {
    url,
    createDatabase,
    async stop() {
      running.delete(stopNow);
      stopNow();
    },
  };
}
