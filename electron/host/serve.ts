/**
 * `npm run serve`: runs the terminal core and the browser host on loopback, on the embedded
 * defaults (a SQLite store in ./.till-data, the demo store, users and catalog, and in 'sandbox'
 * payments mode the local WeChat Pay / Alipay protocol sandboxes).
 */
import { join, resolve } from 'node:path';
import { createCore } from '../core/createCore';
import { demoPayerFor, startDemoSandboxes, type DemoSandboxes } from '../sandbox/demo';
import { startHost } from './server';
import { KeyFileKeeper } from './keyFileKeeper';

const dataDir = resolve(process.env.TILL_DATA_DIR ?? '.till-data');
const port = Number(process.env.TILL_PORT ?? 4417);

const core = await createCore({
  dbFile: join(dataDir, 'till.sqlite'),
  demo: process.env.TILL_DEMO !== '0',
  secretKeeper: new KeyFileKeeper(join(dataDir, 'secret.key')),
  logger: (entry) => console.error(`[till] ${entry.level} ${entry.ref} ${entry.method}: ${entry.message}`),
});
let sandboxes: DemoSandboxes | undefined;
if (core.settings.get('payments.mode') === 'sandbox') {
  sandboxes = await startDemoSandboxes(core.providers);
  core.attachDemoPayer(demoPayerFor(sandboxes));
}
const host = await startHost({
  core,
  port,
  // The customer display offers "simulate customer scan and pay" only in sandbox mode.
  bootInfo: () => (sandboxes ? { sandbox: { wechat: sandboxes.wechat.baseUrl, alipay: sandboxes.alipay.baseUrl } } : {}),
});
const products = (core.db.prepare('SELECT count(*) AS n FROM products').get() as { n: number }).n;
const identity = core.identity();
console.log(`Till 收银台 — browser host on ${host.url}`);
console.log(`  store ${identity.storeCode}, terminal ${identity.terminalCode}, ${products} products, data in ${dataDir}`);
if (sandboxes) console.log(`  payments: sandbox mode — WeChat Pay ${sandboxes.wechat.baseUrl}, Alipay ${sandboxes.alipay.gatewayUrl}`);
else console.log('  payments: live mode (providers from settings and the encrypted vault)');
console.log(`  API: POST ${host.url}/api/<method>  headers: x-till-host-token: ${host.hostToken}, Authorization: Bearer <session token>`);
console.log('  demo users: cashier/1234, manager/6666, owner/8888');

let closing = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, async () => {
    if (closing) return;
    closing = true;
    await host.close();
    await core.close();
    await sandboxes?.close();
    process.exit(0);
  });
}
