import type { Database } from 'better-sqlite3';
import { getStore, getTerminal } from '../../db/stores/storesAndTerminals';
import { getUserById } from '../../db/stores/users';
import { appendAudit } from '../../db/stores/audit';
import type { OrderDto } from '../api/dto';
import { buildRefundReceipt, buildSaleReceipt, type ReceiptLanguage, type ReceiptModel } from './receiptModel';
import { renderReceiptHtml } from './html';
import { renderReceiptEscPos } from './escpos';
import { sendToNetworkPrinter } from './networkPrinter';

export interface ReceiptPrinterSettings {
  kind: 'none' | 'network' | 'system';
  host?: string;
  port?: number;
  paperWidth: 58 | 80;
  /** System printer name (Electron); empty for the default printer. */
  deviceName?: string;
}

export interface PrintOutcome {
  printer: 'network' | 'system' | 'none';
  bytes?: number;
}

/**
 * One receipt path for every output: the model is built once from the order as stored, then
 * rendered as HTML (screen, system printer, PDF) or ESC/POS (thermal printer over TCP 9100).
 * A print that fails throws a typed error; nothing is reported as printed that was not sent.
 */
export class ReceiptService {
  constructor(
    private readonly db: Database,
    private readonly printer: () => ReceiptPrinterSettings,
    private readonly clock: () => number = Date.now,
    /** Electron's silent system print, when running in the shell. */
    private readonly systemPrint?: (html: string, deviceName: string | undefined) => Promise<void>,
  ) {}

  model(order: OrderDto, language: ReceiptLanguage, options: { reprint?: boolean; refundId?: string } = {}): ReceiptModel {
    const store = getStore(this.db, order.storeId);
    const terminal = getTerminal(this.db, order.terminalId);
    const cashier = getUserById(this.db, order.cashierId);
    const context = {
      store: { name: store?.name ?? '', address: store?.address ?? null, phone: store?.phone ?? null, timezone: store?.timezone ?? 'Asia/Shanghai' },
      terminal: { code: terminal?.code ?? '', name: terminal?.name ?? null },
      cashier: { displayName: cashier?.display_name ?? order.cashierId },
      language,
      ...(options.reprint ? { reprintAt: new Date(this.clock()) } : {}),
    };
    if (options.refundId) {
      const refund = order.refunds.find((r) => r.id === options.refundId);
      if (refund) return buildRefundReceipt(order, { refunds: refund }, context);
    }
    return buildSaleReceipt(order, context);
  }

  async html(order: OrderDto, language: ReceiptLanguage, options: { reprint?: boolean; refundId?: string; paperWidth?: 58 | 80 } = {}): Promise<string> {
    return renderReceiptHtml(this.model(order, language, options), { paperWidth: options.paperWidth ?? this.printer().paperWidth });
  }

  async print(
    order: OrderDto,
    language: ReceiptLanguage,
    actor: { userId: string; terminalId: string },
    options: { reprint?: boolean; refundId?: string } = {},
  ): Promise<PrintOutcome> {
    const settings = this.printer();
    let outcome: PrintOutcome = { printer: 'none' };
    if (settings.kind === 'network' && settings.host) {
      const bytes = renderReceiptEscPos(this.model(order, language, options), { paperWidth: settings.paperWidth, openDrawer: options.reprint ? false : 'auto' });
      const sent = await sendToNetworkPrinter({ host: settings.host, port: settings.port ?? 9100 }, bytes);
      outcome = { printer: 'network', bytes: sent.bytesWritten };
    } else if (settings.kind === 'system' && this.systemPrint) {
      await this.systemPrint(await this.html(order, language, options), settings.deviceName);
      outcome = { printer: 'system' };
    }
    if (options.reprint) {
      appendAudit(this.db, { at: new Date(this.clock()).toISOString(), terminalId: actor.terminalId, userId: actor.userId, action: 'receipt.reprinted', target: order.orderNo });
    }
    return outcome;
  }
}
