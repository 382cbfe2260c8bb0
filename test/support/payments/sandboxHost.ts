/**
 * Child-process entry: both protocol sandboxes on loopback, with the behaviour patches given in
 * TILL_SANDBOX_BEHAVIOURS ({wechat, alipay}). Prints one line `READY {endpoints}` and serves until
 * its stdin closes (the parent went away) or it is told to stop.
 *
 *   node --import tsx test/support/payments/sandboxHost.ts
 */
import { startWechatSandbox } from '../../../electron/sandbox/wechatpay';
import { startAlipaySandbox } from '../../../electron/sandbox/alipay';
import { endpointsOf, sandboxKeys, type SandboxBehaviours } from './sandboxes';

async function main(): Promise<void> {
  const behaviours = JSON.parse(process.env.TILL_SANDBOX_BEHAVIOURS ?? '{"wechat":{},"alipay":{}}') as SandboxBehaviours;
  const keys = await sandboxKeys(Number(process.env.TILL_SANDBOX_KEY_BITS ?? 2048));
  const [wechat, alipay] = await Promise.all([
    startWechatSandbox({ behaviour: behaviours.wechat, keys: keys.wechat }),
    startAlipaySandbox({ behaviour: behaviours.alipay, keys: keys.alipay }),
  ]);
  let closing = false;
  const stop = async () => {
    if (closing) return;
    closing = true;
    await Promise.all([wechat.close(), alipay.close()]);
    process.exit(0);
  };
  process.stdin.on('end', () => void stop());
  process.stdin.on('close', () => void stop());
  process.stdin.resume();
  process.on('SIGTERM', () => void stop());
  process.stdout.write(`READY ${JSON.stringify(endpointsOf({ wechat, alipay }))}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
