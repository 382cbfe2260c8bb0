/**
 * report.print / report.html / report.csv: the Z (日结) and X (交班) reports through the
 * renderers in electron/reports/render. The reports themselves come from the same handlers as
 * report.day and shift.report (passed in as `sources`), so what is printed is exactly what the
 * screen shows. Printing follows the receipts: ESC/POS to a network printer, the HTML to the
 * shell's system printer; an unreachable printer is the typed error sendToNetworkPrinter raises.
 */
import { appendAudit } from '../../db/stores/audit';
import type { Core } from '../core/createCore';
import { DEFAULT_PRINTER_PORT, sendToNetworkPrinter } from '../printing/networkPrinter';
import {
  dayReportCsvFilename,
  renderDayReportCsv,
  renderDayReportEscPos,
  renderDayReportHtml,
  renderShiftReportEscPos,
  renderShiftReportHtml,
  type ReportLanguage,
} from '../reports/render';
import type { DayReport, ShiftReport } from '../reports/types';
import { systemPrintOf } from './diagnostics';
import { TillError, isTillError } from './errors';

export interface ReportSources {
  day(date: string | undefined): DayReport | Promise<DayReport>;
  shift(shiftId: string | undefined): ShiftReport | Promise<ShiftReport>;
}

export interface ReportRequest {
  kind: 'day' | 'shift';
  date?: string | undefined;
  shiftId?: string | undefined;
  lang?: ReportLanguage | undefined;
}

interface Actor {
  userId: string;
  terminalId: string;
}

type Loaded = { kind: 'day'; report: DayReport } | { kind: 'shift'; report: ShiftReport };

async function load(sources: ReportSources, request: ReportRequest): Promise<Loaded> {
  return request.kind === 'day' ? { kind: 'day', report: await sources.day(request.date) } : { kind: 'shift', report: await sources.shift(request.shiftId) };
}

function html(core: Core, loaded: Loaded, lang: ReportLanguage): string {
  return loaded.kind === 'day' ? renderDayReportHtml(loaded.report, lang) : renderShiftReportHtml(loaded.report, lang, { timeZone: core.identity().timeZone });
}

export async function reportHtml(core: Core, sources: ReportSources, request: ReportRequest): Promise<{ html: string }> {
  return { html: html(core, await load(sources, request), request.lang ?? 'zh-CN') };
}

export async function reportCsv(sources: ReportSources, request: { date?: string | undefined; lang: ReportLanguage }): Promise<{ filename: string; csv: string }> {
  const report = await sources.day(request.date);
  return { filename: dayReportCsvFilename(report, request.lang), csv: renderDayReportCsv(report, request.lang) };
}

export interface ReportPrintOutcome {
  printer: 'network' | 'system';
  bytes?: number;
}

/** Prints the summary on the receipt printer; audited whatever the outcome ('report.printed'). */
export async function printReport(core: Core, actor: Actor, sources: ReportSources, request: ReportRequest): Promise<ReportPrintOutcome> {
  const lang = request.lang ?? 'zh-CN';
  const settings = core.settings.get('printing.receiptPrinter');
  const audit = (details: Record<string, unknown>, target: string) =>
    appendAudit(core.db, { at: core.nowIso(), terminalId: actor.terminalId, userId: actor.userId, action: 'report.printed', target, details: { kind: request.kind, ...details } });
  let target = request.kind === 'day' ? (request.date ?? 'today') : (request.shiftId ?? 'current');
  try {
    const loaded = await load(sources, request);
    target = loaded.kind === 'day' ? loaded.report.businessDate : loaded.report.cash.shiftId;
    let outcome: ReportPrintOutcome;
    if (settings.kind === 'network' && settings.host) {
      const options = { paperWidth: settings.paperWidth, timeZone: core.identity().timeZone };
      const bytes = loaded.kind === 'day' ? renderDayReportEscPos(loaded.report, lang, options) : renderShiftReportEscPos(loaded.report, lang, options);
      const sent = await sendToNetworkPrinter({ host: settings.host, port: settings.port ?? DEFAULT_PRINTER_PORT }, bytes);
      outcome = { printer: 'network', bytes: sent.bytesWritten };
    } else if (settings.kind === 'system') {
      const systemPrint = systemPrintOf(core);
      if (!systemPrint) throw new TillError('PRINTER_SYSTEM_UNAVAILABLE');
      await systemPrint(html(core, loaded, lang), settings.deviceName || undefined);
      outcome = { printer: 'system' };
    } else {
      throw new TillError('PRINTER_NOT_CONFIGURED');
    }
    audit({ ok: true, printer: outcome.printer }, target);
    return outcome;
  } catch (error) {
    audit({ ok: false, code: isTillError(error) ? error.code : 'INTERNAL' }, target);
    throw error;
  }
}
