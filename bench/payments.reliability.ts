/**
 * The payment fault simulator (test/support/payments/simulator.ts) at scale: many seeded schedules of
 * faults, customers, cashiers, notifications and restarts against the real engines, clients and
 * protocol sandboxes, all concurrent on one core, then the money invariants. Prints schedules/s, the
 * outcome histogram and the rest of the report; exits 1 if an invariant failed (the replay line names
 * the seed and the schedules).
 *
 *   npx tsx bench/payments.reliability.ts [schedules=10000] [seed=random] [concurrency=64] [--keys=2048] [--only=12,345]
 */
import { formatReport, runSimulation } from '../test/support/payments/simulator';

const positional = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const flag = (name: string) => process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
const schedules = Number(positional[0] ?? 10_000);
const seed = Number(positional[1] ?? Math.floor(Math.random() * 2 ** 31));
const concurrency = Number(positional[2] ?? 64);
const keyBits = Number(flag('keys') ?? 1024);
const only = flag('only')?.split(',').map(Number);

async function main(): Promise<void> {
  console.log(`seed ${seed}, ${only ? `schedules ${only.join(',')}` : `${schedules} schedules`}, concurrency ${concurrency}, RSA-${keyBits} sandbox keys`);
  const report = await runSimulation({
    seed,
    schedules,
    ...(only ? { only } : {}),
    concurrency,
    keyBits,
    restartGapMs: [1_000, 3_000],
    progress: (line) => console.log(`  … ${line}`),
  });
  console.log(formatReport(report));
  console.log(`\n${report.schedules} schedules in ${(report.runMs / 1000).toFixed(1)} s: ${report.schedulesPerSecond.toFixed(1)} schedules/s; ${report.violations.length} violations`);
  if (report.violations.length > 0 || report.unexpected.length > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
