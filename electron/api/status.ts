import type { Core } from '../core/createCore';
import { outboxBacklog, readSyncState } from '../../db/stores/outbox';
import { providerActivity } from '../../db/stores/payments';
import type { PrintResultDto, ProviderHealthDto, StatusDto } from './dto';
import { shiftSummary } from './shifts';

/**
 * The status bar's facts, read from what the core already knows: no provider or printer is
 * contacted on a poll. Provider health comes from the stored attempts (the latest one in the last
 * quarter hour, and any still unresolved), the sync backlog from the outbox's pending index, and
 * the printer's state from the last print this core attempted (kept in memory: after a restart it
 * is unknown until the next print).
 */

/** How far back the latest attempt still says something about a provider's health. */
const RECENT_MS = 15 * 60_000;

const lastPrints = new WeakMap<Core, PrintResultDto>();

/** Remembers a print's outcome for the status bar and tells every screen (printer.status). */
export function recordPrint(core: Core, result: PrintResultDto): void {
  lastPrints.set(core, result);
  core.events.emit('printer.status', {
    printer: result.printer,
    ok: result.ok,
    ...(result.error ? { message: result.error.message.en } : {}),
  });
}

function providerHealth(core: Core, name: 'wechat' | 'alipay'): ProviderHealthDto {
  const entry = core.providers.entry(name);
  const activity = providerActivity(core.db, name, new Date(core.clock() - RECENT_MS).toISOString());
  const latest = activity.latest;
  // The latest attempt left in doubt (no clear answer, or a query that failed) means the provider
  // or the way to it is not answering well; a clear refusal (failed) or a success does not.
  const troubled = latest !== undefined && latest.state !== 'succeeded' && latest.state !== 'failed' && (latest.state === 'unknown' || latest.failure_code !== null);
  const state = !entry ? 'unconfigured' : troubled || activity.unresolved > 0 ? 'degraded' : 'ok';
  return {
    state,
    sandbox: entry?.sandbox ?? false,
    unresolved: activity.unresolved,
    lastSuccessAt: activity.lastSuccessAt,
    lastErrorCode: troubled ? latest.failure_code : null,
  };
}

export function currentStatus(core: Core): StatusDto {
  const printer = core.settings.get('printing.receiptPrinter');
  const backlog = outboxBacklog(core.db);
  const target =
    printer.kind === 'network' && printer.host ? `${printer.host}:${printer.port ?? 9100}` : printer.kind === 'system' ? (printer.deviceName ?? null) || null : null;
  return {
    at: core.nowIso(),
    providers: { wechat: providerHealth(core, 'wechat'), alipay: providerHealth(core, 'alipay') },
    printer: { kind: printer.kind, target, paperWidth: printer.paperWidth, lastResult: lastPrints.get(core) ?? null },
    // When the cloud last acknowledged a batch (the sync worker's stored state); sync.status has the rest.
    sync: { pending: backlog.pending, oldestPendingAt: backlog.oldestPendingAt, lastSuccessAt: readSyncState(core.db).last_success_at, lastError: core.sync.status().lastError },
    // This terminal's open shift (the drawer), or null: the cashier screen asks for a manager to open one.
    shift: shiftSummary(core, core.identity().terminalId),
  };
}
