import type { Core } from '../../electron/core/createCore';
import type { SettingKey } from '../../electron/core/settings';
import type { CartData } from '../../electron/checkout/cart';
import { KeyFileKeeper } from '../../electron/host/keyFileKeeper';
import type { PaymentTiming } from '../../electron/payments/attempts/timing';
import { startTestCore, testClock, type TestClock, type TestCore } from './core';
import { tempDir } from './tempDb';

/**
 * A till for the sync tests: a real core on a fresh SQLite file with a key-file vault (the terminal
 * secret is sealed like in the browser host), the sync worker either on its timers or driven by hand
 * (`manual`), and small helpers that make real sales and refunds through the services.
 */
export const CASHIER = { userId: 'demo-cashier', terminalId: 'demo-terminal' } as const;

export interface SyncTillOptions {
  clock?: TestClock;
  /** Real time (Date.now) instead of the fixed test clock: for timer-driven tests. */
  realClock?: boolean;
  manual?: boolean;
  random?: () => number;
  fetch?: typeof fetch;
  settings?: Partial<Record<SettingKey, unknown>>;
  file?: string;
  keyFile?: string;
  closeGraceMs?: number;
  paymentsManual?: boolean;
  paymentTiming?: PaymentTiming;
  /** false: start without an open shift (sales are refused until one is opened). Default: one is open. */
  shift?: boolean;
}

export interface SyncTill extends TestCore {
  sale(quantity?: number): string;
  refundCash(orderId: string, amountFen: number): void;
  setSettings(values: Partial<Record<SettingKey, unknown>>): void;
  keyFile: string;
}

const carts = new WeakMap<Core, CartData>();

export function cartOf(core: Core): CartData {
  const cached = carts.get(core);
  if (cached) return cached;
  const barcodes = core.db
    .prepare("SELECT b.barcode FROM product_barcodes b JOIN products p ON p.id = b.product_id WHERE p.sold_by = 'unit' AND p.active = 1 AND p.price_fen > 0 ORDER BY p.id LIMIT 3")
    .all() as { barcode: string }[];
  for (const { barcode } of barcodes) core.carts.scan(CASHIER, barcode);
  const cart = core.carts.load(CASHIER.terminalId);
  core.carts.clear(CASHIER);
  carts.set(core, cart);
  return cart;
}

/** A completed cash sale through the real services; returns the order id. */
export function cashSale(core: Core, quantity = 1): string {
  const cart = cartOf(core);
  const order = core.orders.checkout(CASHIER, { ...cart, lines: cart.lines.map((line) => ({ ...line, quantity })) }).order;
  core.orders.payCash(CASHIER, order.id, order.total_fen);
  return order.id;
}

export async function startSyncTill(options: SyncTillOptions = {}): Promise<SyncTill> {
  const dir = tempDir('till-sync-');
  const keyFile = options.keyFile ?? dir.file('secret.key');
  const clock = options.clock ?? (options.realClock ? { now: Date.now, advance: () => {}, set: () => {} } : testClock());
  const tc = await startTestCore({
    clock,
    ...(options.file ? { file: options.file } : {}),
    cleanup: options.file ? () => {} : dir.cleanup,
    ...(options.shift === false ? { shift: false } : {}),
    extra: {
      secretKeeper: new KeyFileKeeper(keyFile),
      paymentsManual: options.paymentsManual ?? true,
      ...(options.paymentTiming ? { paymentTiming: options.paymentTiming } : {}),
      sync: {
        manual: options.manual ?? true,
        ...(options.random ? { random: options.random } : {}),
        ...(options.fetch ? { fetch: options.fetch } : {}),
        ...(options.closeGraceMs !== undefined ? { closeGraceMs: options.closeGraceMs } : {}),
      },
    },
  });
  if (!options.file) {
    // startTestCore made its own temp dir for the database; ours holds the key file.
    const inner = tc.cleanup;
    tc.cleanup = async () => {
      await inner();
      dir.cleanup();
    };
  }
  const setSettings = (values: Partial<Record<SettingKey, unknown>>) => {
    for (const [key, value] of Object.entries(values)) tc.core.settings.set(key as SettingKey, value, tc.core.nowIso());
  };
  if (options.settings) setSettings(options.settings);
  return {
    ...tc,
    keyFile,
    sale: (quantity = 1) => cashSale(tc.core, quantity),
    refundCash: (orderId, amountFen) => {
      tc.core.refunds.requestRefund(CASHIER, { orderId, amountFen, reason: '退货', approverId: 'demo-manager' });
    },
    setSettings,
  };
}

/** Outbox rows by state, for assertions. */
export function outboxState(core: Core): { pending: number; sent: number; dead: number } {
  return core.db
    .prepare(
      `SELECT sum(sent_at IS NULL AND dead_at IS NULL) AS pending, sum(sent_at IS NOT NULL) AS sent, sum(dead_at IS NOT NULL AND sent_at IS NULL) AS dead FROM outbox`,
    )
    .get() as { pending: number; sent: number; dead: number };
}
