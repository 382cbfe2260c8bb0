/**
 * `npm run cloud`: the cloud backend as a process.
 *
 *   DATABASE_URL        postgres://… (absent: PGlite in CLOUD_DATA_DIR, no server needed)
 *   CLOUD_DATA_DIR      PGlite data and generated key files (default ./.cloud-data; ':memory:' for none)
 *   CLOUD_HOST / CLOUD_PORT   listen address (default 127.0.0.1:4480)
 *   CLOUD_ADMIN_TOKEN   admin bearer token (absent: generated once, kept 0600 in the data dir, printed)
 *   CLOUD_SECRET_KEY    32 bytes (64 hex or base64) sealing terminal secrets and APIv3 keys; every
 *                       instance on one database needs the same. Absent: CLOUD_SECRET_KEY_FILE, else a
 *                       0600 key file generated in the data dir.
 *   CLOUD_LOG_LEVEL     pino level (default info)
 *
 * Prints `cloud listening on http://host:port` when ready. SIGTERM/SIGINT: stop accepting, finish
 * the requests in flight, close the database, exit 0 (forced exit after 15 s).
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildCloudApp } from './app';
import { openCloudDatabase } from './db';
import { parseSecretKey } from './secrets';

function readOrCreate(path: string, make: () => string): { value: string; created: boolean } {
  if (existsSync(path)) return { value: readFileSync(path, 'utf8').trim(), created: false };
  const value = make();
  writeFileSync(path, `${value}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  return { value, created: true };
}

async function main(): Promise<void> {
  const env = process.env;
  const url = env.DATABASE_URL || undefined;
  const dataDir = env.CLOUD_DATA_DIR ?? '.cloud-data';
  const inMemory = dataDir === ':memory:';
  const keyDir = inMemory ? undefined : resolve(dataDir);
  if (keyDir) mkdirSync(keyDir, { recursive: true, mode: 0o700 });

  let adminToken = env.CLOUD_ADMIN_TOKEN;
  let generatedToken = false;
  if (!adminToken) {
    if (keyDir) {
      const stored = readOrCreate(join(keyDir, 'admin.token'), () => randomBytes(24).toString('base64url'));
      adminToken = stored.value;
      generatedToken = stored.created;
    } else {
      adminToken = randomBytes(24).toString('base64url');
      generatedToken = true;
    }
  }

  let secretKey: Buffer | undefined;
  if (env.CLOUD_SECRET_KEY) secretKey = parseSecretKey(env.CLOUD_SECRET_KEY);
  else if (env.CLOUD_SECRET_KEY_FILE) secretKey = parseSecretKey(readFileSync(env.CLOUD_SECRET_KEY_FILE, 'utf8'));
  else if (keyDir) secretKey = parseSecretKey(readOrCreate(join(keyDir, 'secret.key'), () => randomBytes(32).toString('hex')).value);

  const db = await openCloudDatabase(url ? { url } : { pgliteDir: inMemory ? ':memory:' : join(keyDir!, 'pglite') });
  const app = await buildCloudApp({
    db,
    adminToken,
    ...(secretKey ? { secretKey } : {}),
    logger: { level: env.CLOUD_LOG_LEVEL ?? 'info' },
  });
  app.addHook('onClose', async () => db.close());
  let closing = false;
  // While shutting down, answers in flight go out with `Connection: close`, so keep-alive clients
  // do not hold the server open after their last request.
  app.addHook('onSend', async (_request, reply, payload) => {
    if (closing) reply.header('connection', 'close');
    return payload;
  });

  const host = env.CLOUD_HOST ?? '127.0.0.1';
  const port = Number(env.CLOUD_PORT ?? 4480);
  await app.listen({ host, port });
  const address = app.server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  // The token first: `cloud listening` is the ready signal a supervisor (or a test) waits for.
  if (generatedToken) console.log(`admin token (generated${keyDir ? `, kept in ${join(keyDir, 'admin.token')}` : ''}): ${adminToken}`);
  console.log(`cloud listening on http://${shownHost}:${actualPort} (database: ${url ? 'PostgreSQL' : `PGlite ${inMemory ? 'in memory' : join(keyDir!, 'pglite')}`})`);

  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    const idle = setInterval(() => app.server.closeIdleConnections(), 100);
    idle.unref();
    app.log.info({ signal }, 'shutting down: no new connections, finishing requests in flight');
    const force = setTimeout(() => {
      console.error('shutdown took too long; exiting');
      process.exit(1);
    }, 15_000);
    force.unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
