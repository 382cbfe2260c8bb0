/**
 * The cloud process of the sync fault test: `cloud/main.ts` itself, started in two steps so a
 * restart after SIGKILL takes milliseconds instead of the seconds tsx needs to load Fastify, pg
 * and the cloud's modules. It loads them (the module cache then serves main.ts's imports), prints
 * LOADED, waits for GO on stdin — the parent sends it once the previous cloud is dead and the port
 * is free — and then imports cloud/main.ts, which reads its environment (DATABASE_URL, CLOUD_PORT …),
 * migrates, listens and prints `cloud listening on …` exactly as `npm run cloud` does.
 *
 *   node --import tsx test/support/syncCloudChild.ts
 */
import { waitForGo } from './childGate';
import '../../cloud/app';
import '../../cloud/db';

process.stdout.write('LOADED\n');
await waitForGo();
await import('../../cloud/main');
