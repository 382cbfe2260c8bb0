/**
 * The manager screen's two diagnostics: "Test connection" for a payment provider
 * (payments.testConnection) and "Test print" (printer.test). Both write one audit entry whatever
 * the outcome, and both fail only with typed, bilingual errors.
 */
import { appendAudit } from '../../db/stores/audit';
import { getStore } from '../../db/stores/storesAndTerminals';
import type { Core } from '../core/createCore';
import { probeProvider, providerDisplayNames } from '../payments/connectionProbe';
import type { ProviderName } from '../payments/provider';
import { sendToNetworkPrinter, DEFAULT_PRINTER_PORT } from '../printing/networkPrinter';
import type { ReceiptPrinterSettings } from '../printing/receiptService';
import { renderTestPageEscPos, renderTestPageHtml, type TestPageContext } from '../printing/testPage';
import type { PrinterTestDto, ProviderTestDto } from './dto';
import { TillError, isTillError } from './errors';

interface Actor {
  userId: string;
  terminalId: string;
}

function audit(core: Core, actor: Actor, action: string, target: string, details: Record<string, unknown>): void {
  appendAudit(core.db, { at: core.nowIso(), terminalId: actor.terminalId, userId: actor.userId, action, target, details });
}

export async function testProviderConnection(core: Core, actor: Actor, provider: ProviderName): Promise<ProviderTestDto> {
  try {
    let entry = core.providers.entry(provider);
    if (!entry && core.settings.get('payments.mode') === 'live') {
      // The settings may be there but unusable (a missing key, a bad PEM): say why.
      const configured = core.reconfigurePayments();
      const reason = configured.errors[provider];
      if (reason) throw new TillError('PROVIDER_CONFIG_INVALID', { ...providerDisplayNames(provider), reason });
      entry = core.providers.entry(provider);
    }
    if (!entry) throw new TillError('PROVIDER_NOT_CONFIGURED', { provider });
    const result = await probeProvider(provider, entry);
    audit(core, actor, 'payments.connection_tested', provider, {
      ok: true,
      latencyMs: result.latencyMs,
      providerCode: result.providerCode,
      signature: result.signature,
      sandbox: result.sandbox,
    });
    return result;
  } catch (error) {
    audit(core, actor, 'payments.connection_tested', provider, { ok: false, code: isTillError(error) ? error.code : 'INTERNAL' });
    throw error;
  }
}

type SystemPrint = (html: string, deviceName: string | undefined) => Promise<void>;

/**
 * The shell's silent system print, as the receipt service got it from createCore (the browser host
 * has none). ReceiptService keeps it private; the test page must take the very same path.
 */
export function systemPrintOf(core: Core): SystemPrint | undefined {
  const candidate = Reflect.get(core.receipts, 'systemPrint') as unknown;
  return typeof candidate === 'function' ? (candidate as SystemPrint) : undefined;
}

function localTime(core: Core): string {
  const { timeZone } = core.identity();
  const format = (zone: string | undefined) =>
    new Intl.DateTimeFormat('zh-CN', {
      ...(zone ? { timeZone: zone } : {}),
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hour12: false,
    }).format(new Date(core.clock()));
  try {
    return format(timeZone);
  } catch {
    return format(undefined);
  }
}

export async function printTestPage(
  core: Core,
  actor: Actor,
  input: { printer?: ReceiptPrinterSettings | undefined; openDrawer: boolean },
): Promise<PrinterTestDto> {
  const settings = input.printer ?? core.settings.get('printing.receiptPrinter');
  const identity = core.identity();
  const storeName = getStore(core.db, identity.storeId)?.name ?? identity.storeCode;
  const target = settings.kind === 'network' ? `${settings.host ?? '?'}:${settings.port ?? DEFAULT_PRINTER_PORT}` : settings.kind;
  const started = Date.now();
  try {
    const context: TestPageContext = {
      storeName,
      terminalCode: identity.terminalCode,
      paperWidth: settings.paperWidth,
      printedAt: localTime(core),
      target: settings.kind === 'network' ? target : settings.deviceName ? `system: ${settings.deviceName}` : 'system',
      openDrawer: input.openDrawer,
    };
    let result: PrinterTestDto;
    if (settings.kind === 'network' && settings.host) {
      const sent = await sendToNetworkPrinter({ host: settings.host, port: settings.port ?? DEFAULT_PRINTER_PORT }, renderTestPageEscPos(context));
      result = { printer: 'network', address: target, bytes: sent.bytesWritten, elapsedMs: sent.elapsedMs, drawerKicked: input.openDrawer };
    } else if (settings.kind === 'system') {
      const systemPrint = systemPrintOf(core);
      if (!systemPrint) throw new TillError('PRINTER_SYSTEM_UNAVAILABLE');
      // A system printer has no drawer connector we can pulse: the HTML page only says so.
      await systemPrint(renderTestPageHtml({ ...context, openDrawer: false }), settings.deviceName || undefined);
      result = { printer: 'system', address: null, bytes: null, elapsedMs: Date.now() - started, drawerKicked: false };
    } else {
      throw new TillError('PRINTER_NOT_CONFIGURED');
    }
    audit(core, actor, 'printer.tested', target, { ok: true, printer: result.printer, drawerKicked: result.drawerKicked, unsaved: input.printer !== undefined });
    return result;
  } catch (error) {
    audit(core, actor, 'printer.tested', target, { ok: false, code: isTillError(error) ? error.code : 'INTERNAL', unsaved: input.printer !== undefined });
    throw error;
  }
}
