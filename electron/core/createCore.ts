import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { openDatabase } from '../../db/connection';
import { firstTerminal } from '../../db/stores/storesAndTerminals';
import { seedDemoStore } from '../../db/seed/demoStore';
import { seedDemoCatalog } from '../../db/seed/demoCatalog';
import { countProducts } from '../../db/stores/products';
import { TillError } from '../api/errors';
import { SessionManager } from '../api/sessions';
import { Dispatcher, type Logger } from '../api/dispatcher';
import { CartService } from '../checkout/cartService';
import { OrderService, type TillIdentity } from '../checkout/orders';
import { Catalog } from '../checkout/catalog';
import { importCatalogCsv } from '../checkout/catalogImport';
import { CoreEventBus } from './events';
import { Settings } from './settings';
import type { ImportResultDto, ProductDto, ScanDto } from '../api/dto';
import { PaymentEngine } from '../payments/attempts/engine';
import { RefundEngine } from '../payments/refunds/refundEngine';
import { ProviderRegistry } from '../payments/registry';
import { SecretVault, type SecretKeeper } from '../payments/secrets';
import type { PaymentTiming } from '../payments/attempts/timing';
import { configureProviders, type ConfigureResult } from '../payments/configure';
import { ReceiptService } from '../printing/receiptService';
import { SyncWorker } from '../sync/worker';
import { ShiftService } from '../reports/shifts';

export interface DemoPayer {
  pay(tender: 'wechat' | 'alipay', outTradeNo: string): { ok: boolean };
}

export interface CoreOptions {
  /** The SQLite file; a fresh temp path in tests. */
  dbFile: string;
  /** Seed the demo store, users and catalog into an empty database. */
  demo?: boolean;
  clock?: () => number;
  logger?: Logger;
  /** The Electron shell's silent system print; absent in the browser host. */
  systemPrint?: (html: string, deviceName: string | undefined) => Promise<void>;
  /** Seals merchant secrets at rest (safeStorage in Electron, a 0600 key file in the browser host). */
  secretKeeper?: SecretKeeper;
  /** Provider timings; compressed in tests. */
  paymentTiming?: PaymentTiming;
  /** Do not resume unfinished payments at start (a test that drives them by hand). */
  paymentsManual?: boolean;
  /** Background sync: `manual` builds the worker without its timers (tests drive it); fetch/random for tests. */
  sync?: { manual?: boolean; fetch?: typeof fetch; random?: () => number; closeGraceMs?: number };
}

/**
 * The composition root of the terminal core: the store, the services and the dispatcher, wired
 * once. The Electron shell, the browser host, tests and benchmarks all start here, so they run
 * exactly the same code. Never imports electron.
 */
export interface Core {
  db: Database;
  settings: Settings;
  events: CoreEventBus;
  sessions: SessionManager;
  carts: CartService;
  orders: OrderService;
  /** Shifts and the cash drawer (electron/reports/shifts.ts). */
  shifts: ShiftService;
  catalog: { search(query: string, limit: number): ProductDto[]; lookupScan(code: string): ScanDto };
  importCatalogCsv(csv: string): ImportResultDto;
  providers: ProviderRegistry;
  receipts: ReceiptService;
  payments: PaymentEngine;
  refunds: RefundEngine;
  /** Background sync to the cloud (electron/sync/worker.ts): off until a cloud URL is set and the till enrolled. */
  sync: SyncWorker;
  vault: SecretVault | undefined;
  /** Rebuilds the live provider clients from settings + vault ('live' mode); a no-op in sandbox mode. */
  reconfigurePayments(): ConfigureResult;
  dispatcher: Dispatcher;
  identity(): TillIdentity;
  clock(): number;
  nowIso(): string;
  /**
   * Sandbox mode only: "the customer scans and pays" for the customer display's demo button,
   * attached by whoever started the sandboxes (browser host, Electron main, tests).
   */
  demoPayer: DemoPayer | undefined;
  attachDemoPayer(payer: DemoPayer | undefined): void;
  /** Stops the payment drivers and the sync worker (both resume from the store on the next start) and closes the store. */
  close(): Promise<void>;
}

export async function createCore(options: CoreOptions): Promise<Core> {
  const clock = options.clock ?? Date.now;
  const nowIso = () => new Date(clock()).toISOString();
  const { db } = openDatabase({ file: options.dbFile, backupDir: join(options.dbFile, '..', 'backups') });
  try {
    if (options.demo) {
      await seedDemoStore(db, nowIso());
      if (countProducts(db) === 0) seedDemoCatalog(db);
    }
    const terminal = firstTerminal(db);
    if (!terminal) throw new TillError('NO_STORE');
    const identity: TillIdentity = {
      storeId: terminal.store.id,
      storeCode: terminal.store.code,
      terminalId: terminal.id,
      terminalCode: terminal.code,
      timeZone: terminal.store.timezone,
    };
    const settings = new Settings(db);
    const events = new CoreEventBus();
    const catalog = new Catalog(db, () => settings.get('catalog.weighedBarcodeRules'));
    const sessions = new SessionManager(
      db,
      {
        maxAttempts: () => settings.get('security.pinMaxAttempts'),
        lockoutMinutes: () => settings.get('security.lockoutMinutes'),
        idleMinutes: () => settings.get('security.sessionIdleMinutes'),
      },
      () => identity.terminalId,
      clock,
    );
    const carts = new CartService(
      db,
      catalog,
      { roundingRule: () => settings.get('checkout.roundingRule'), discountCapBp: () => settings.get('checkout.discountCapBp') },
      nowIso,
      (terminalId, cart) => events.emit('cart.changed', { terminalId, cart }),
    );
    const orders = new OrderService({
      db,
      identity: () => identity,
      roundingRule: () => settings.get('checkout.roundingRule'),
      discountCapBp: () => settings.get('checkout.discountCapBp'),
      businessDayStartHour: () => settings.get('store.businessDayStartHour'),
      clock,
      onOrderChanged: (order) => events.emit('order.changed', { orderId: order.id, orderNo: order.order_no, state: order.state, version: order.version }),
    });
    const providers = new ProviderRegistry();
    // When the till is enrolled, providers notify the cloud, which verifies and relays to this till.
    // (Called only once the core runs, after syncWorker below exists.)
    const notifyUrl = (provider: 'wechat' | 'alipay') => syncWorker.notifyUrl(provider);
    const log = (message: string) => (options.logger ?? (() => {}))({ level: 'warn', ref: 'payments', method: 'engine', message });
    const refunds = new RefundEngine({
      db,
      orders,
      providers: () => providers.clients(),
      ...(options.paymentTiming ? { timing: options.paymentTiming } : {}),
      clock,
      onProgress: (progress) => events.emit('refund.progress', progress),
      notifyUrl,
      log,
    });
    const payments = new PaymentEngine({
      db,
      orders,
      providers: () => providers.clients(),
      refunds: () => refunds,
      ...(options.paymentTiming ? { timing: options.paymentTiming } : {}),
      clock,
      onProgress: (progress) => events.emit('payment.progress', progress),
      describe: (orderNo) => `${terminal.store.name} ${orderNo}`,
      notifyUrl,
      log,
    });
    const vault = options.secretKeeper ? new SecretVault(db, options.secretKeeper, clock) : undefined;
    const syncWorker: SyncWorker = new SyncWorker({
      db,
      settings,
      vault,
      identity: () => identity,
      clock,
      ...(options.sync?.random ? { random: options.sync.random } : {}),
      ...(options.sync?.fetch ? { fetch: options.sync.fetch } : {}),
      ...(options.sync?.closeGraceMs !== undefined ? { closeGraceMs: options.sync.closeGraceMs } : {}),
      wake: { payment: (outTradeNo, claimedPaid) => payments.wake(outTradeNo, claimedPaid), refund: (outRefundNo) => refunds.wake(outRefundNo) },
      onStatus: (status) => events.emit('sync.status', status),
      log: (level, message) => {
        if (level !== 'info') (options.logger ?? (() => {}))({ level, ref: 'sync', method: 'worker', message });
      },
    });
    // A completed sale nudges the worker (never awaited: the sale has already committed).
    const stopKicking = events.on('order.changed', () => syncWorker.kick());
    const core: Core = {
      db,
      settings,
      events,
      sessions,
      carts,
      orders,
      shifts: new ShiftService({
        db,
        storeId: () => identity.storeId,
        today: () => orders.today(),
        newUlid: () => orders.newUlid(),
        nowIso,
        onChanged: (change) => events.emit('shift.changed', change),
      }),
      catalog: {
        search: (query, limit) => catalog.search(query, limit),
        lookupScan: (code) => catalog.lookupScan(code),
      },
      importCatalogCsv: (csv) => importCatalogCsv(db, csv),
      providers,
      receipts: new ReceiptService(db, () => settings.get('printing.receiptPrinter'), clock, options.systemPrint),
      payments,
      refunds,
      sync: syncWorker,
      vault,
      reconfigurePayments: () =>
        settings.get('payments.mode') === 'live'
          ? configureProviders(providers, { wechat: settings.get('payments.wechat'), alipay: settings.get('payments.alipay') }, vault)
          : { configured: [], errors: {} },
      dispatcher: undefined as unknown as Dispatcher,
      demoPayer: undefined,
      attachDemoPayer: (payer) => {
        core.demoPayer = payer;
      },
      identity: () => identity,
      clock,
      nowIso,
      close: async () => {
        stopKicking();
        await Promise.all([payments.stop(), refunds.stop(), syncWorker.stop()]);
        db.close();
      },
    };
    core.dispatcher = new Dispatcher(core, options.logger);
    const configured = core.reconfigurePayments();
    for (const [name, reason] of Object.entries(configured.errors)) log(`${name} not configured: ${reason}`);
    if (!options.paymentsManual) {
      payments.start();
      refunds.start();
    }
    if (!options.sync?.manual) syncWorker.start();
    return core;
  } catch (error) {
    db.close();
    throw error;
  }
}
