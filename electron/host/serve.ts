/**
 * `npm run serve`: runs the terminal core and the browser host on loopback, on the embedded
 * defaults (a SQLite store in ./.till-data, the demo store, users and catalog).
 */
import { join, resolve } from 'node:path';
import { createCore } from '../core/createCore';
import { startHost } from './server';

const dataDir = resolve(process.env.TILL_DATA_DIR ?? '.till-data');
const port = Number(process.env.TILL_PORT ?? 4417);

const core = await createCore({ dbFile: join(dataDir, 'till.sqlite'), demo: process.env.TILL_DEMO !== '0' });
const host = await startHost({ core, port });
const products = (core.db.prepare('SELECT count(*) AS n FROM products').get() as { n: number }).n;
const identity = core.identity();
console.log(`Till 收银台 — browser host on ${host.url}`);
console.log(`  store ${identity.storeCode}, terminal ${identity.terminalCode}, ${products} products, data in ${dataDir}`);
console.log(`  API: POST ${host.url}/api/<method>  headers: x-till-host-token: ${host.hostToken}, Authorization: Bearer <session token>`);
console.log('  demo users: cashier/1234, manager/6666, owner/8888');

let closing = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, async () => {
    if (closing) return;
    closing = true;
    await host.close();
    await core.close();
    process.exit(0);
  });
}
