import { z } from 'zod';
import type { CartView } from '../checkout/cart';
import type * as Dto from './dto';

/**
 * The API contract: one table of methods, each with its zod input schema, the role it needs and
 * its output type. The IPC handler and the browser host validate with these same schemas and
 * call the same handlers (handlers.ts); the renderer derives its typed client from `ApiMethods`.
 * This file must stay free of Node imports: the renderer type-checks against it.
 */

export type Role = 'cashier' | 'manager' | 'owner';

const MAX_TEXT = 200;
const text = (max = MAX_TEXT) => z.string().trim().min(1).max(max);
const fen = z.number().int().min(0).max(10_000_000_000);
const positiveFen = z.number().int().positive().max(10_000_000_000);
const ulid = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'not an order id');
const businessDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');

/** A manager's name and PIN typed at the cashier's till to approve one protected action. */
export const approvalSchema = z.object({ username: text(64), pin: z.string().regex(/^\d{4,8}$/, 'PIN is 4–8 digits') });

export const discountInputSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('amount'), fen: positiveFen }),
  z.object({ kind: z.literal('percent'), bp: z.number().int().min(1).max(10_000) }),
]);

const none = z.object({}).strict();

/** A drawer count by denomination, as fen → pieces: 100, 50, 20, 10, 5, 1 yuan, 5 jiao, 1 jiao. */
export const DENOMINATION_KEYS = ['10000', '5000', '2000', '1000', '500', '100', '50', '10'] as const;
const denominationsSchema = z.partialRecord(z.enum(DENOMINATION_KEYS), z.number().int().min(0).max(1_000_000));

/** Merchant credentials kept encrypted at rest; settable by an owner, never readable through the API. */
export const SECRET_NAMES = ['wechat.merchantPrivateKey', 'wechat.apiV3Key', 'alipay.appPrivateKey', 'sync.terminalSecret'] as const;

interface MethodSpec<I extends z.ZodType, O> {
  /** null: callable without a session (log-in). */
  role: Role | null;
  input: I;
  /** Phantom: carries the output type to the client; never read at run time. */
  output?: O;
  /** Writes the audit log (documented here so reviewers see the sensitive set in one place). */
  audited?: boolean;
}

function method<O>() {
  return <I extends z.ZodType>(spec: Omit<MethodSpec<I, O>, 'output'>): MethodSpec<I, O> => spec;
}

export const API = {
  // what any window of ours may ask before logging in (the customer display has no session)
  'app.info': method<{ paymentsMode: 'sandbox' | 'live'; demoPay: boolean }>()({ role: null, input: none }),
  // sandbox mode only: the customer display's "simulate customer scan and pay" (drives the local sandbox)
  'sandbox.pay': method<{ ok: boolean }>()({
    role: null,
    input: z.object({ tender: z.enum(['wechat', 'alipay']), outTradeNo: z.string().regex(/^[A-Za-z0-9_-]{6,64}$/, 'out_trade_no') }).strict(),
  }),
  // sessions
  'session.login': method<Dto.SessionDto>()({ role: null, input: z.object({ username: text(64), pin: z.string().regex(/^\d{4,8}$/, 'PIN is 4–8 digits') }).strict(), audited: true }),
  'session.logout': method<{ ok: true }>()({ role: 'cashier', input: none, audited: true }),
  'session.current': method<Dto.SessionDto>()({ role: 'cashier', input: none }),

  // catalog
  'catalog.search': method<Dto.ProductDto[]>()({
    role: 'cashier',
    input: z.object({ query: z.string().max(64), limit: z.number().int().min(1).max(200).default(50) }).strict(),
  }),
  'catalog.lookup': method<Dto.ScanDto>()({ role: 'cashier', input: z.object({ code: text(64) }).strict() }),
  'catalog.import': method<Dto.ImportResultDto>()({
    role: 'manager',
    input: z.object({ csv: z.string().min(1).max(64 * 1024 * 1024) }).strict(),
    audited: true,
  }),

  // cart (one per terminal, kept in the store so a restart loses nothing)
  'cart.get': method<CartView>()({ role: 'cashier', input: none }),
  'cart.scan': method<CartView>()({ role: 'cashier', input: z.object({ code: text(64) }).strict() }),
  'cart.addProduct': method<CartView>()({
    role: 'cashier',
    input: z.object({ productId: z.number().int().positive(), quantity: z.number().int().positive().max(100_000).default(1) }).strict(),
  }),
  'cart.setQuantity': method<CartView>()({
    role: 'cashier',
    input: z.object({ lineId: text(40), quantity: z.number().int().positive().max(100_000) }).strict(),
  }),
  'cart.removeLine': method<CartView>()({ role: 'cashier', input: z.object({ lineId: text(40) }).strict(), audited: true }),
  'cart.setLineDiscount': method<CartView>()({
    role: 'cashier',
    input: z.object({ lineId: text(40), discount: discountInputSchema.nullable(), approval: approvalSchema.optional() }).strict(),
    audited: true,
  }),
  'cart.setOrderDiscount': method<CartView>()({
    role: 'cashier',
    input: z.object({ discount: discountInputSchema.nullable(), approval: approvalSchema.optional() }).strict(),
    audited: true,
  }),
  'cart.setCoupon': method<CartView>()({
    role: 'cashier',
    input: z.object({ coupon: z.object({ code: text(64), fen: positiveFen }).strict().nullable(), approval: approvalSchema.optional() }).strict(),
    audited: true,
  }),
  'cart.overridePrice': method<CartView>()({
    role: 'cashier',
    input: z.object({ lineId: text(40), unitPriceFen: fen, approval: approvalSchema }).strict(),
    audited: true,
  }),
  'cart.clear': method<CartView>()({ role: 'cashier', input: none, audited: true }),

  // orders
  'order.create': method<Dto.OrderDto>()({
    role: 'cashier',
    input: z
      .object({
        customer: z.object({ name: text(64).optional(), phone: z.string().regex(/^[0-9+\- ]{3,20}$/).optional(), memberId: text(64).optional() }).strict().optional(),
        delivery: z
          .object({
            type: z.enum(['none', 'pickup', 'delivery']),
            contact: text(64).optional(),
            phone: z.string().regex(/^[0-9+\- ]{3,20}$/).optional(),
            address: text(200).optional(),
            note: text(200).optional(),
            feeFen: fen.optional(),
          })
          .strict()
          .optional(),
        note: text(200).optional(),
      })
      .strict(),
  }),
  'order.payCash': method<Dto.CashPaymentDto>()({
    role: 'cashier',
    input: z.object({ orderId: ulid, tenderedFen: fen, amountFen: positiveFen.optional() }).strict(),
  }),
  'order.cancel': method<Dto.OrderDto>()({
    role: 'cashier',
    input: z.object({ orderId: ulid, reason: text(200), approval: approvalSchema.optional() }).strict(),
    audited: true,
  }),
  'order.get': method<Dto.OrderDto>()({ role: 'cashier', input: z.object({ orderId: ulid }).strict() }),
  'order.listByDay': method<Dto.OrderSummaryDto[]>()({
    role: 'cashier',
    input: z
      .object({
        date: businessDate.optional(),
        state: z.enum(['pending_payment', 'paying', 'paid', 'in_progress', 'completed', 'cancelled', 'refunded', 'partially_refunded']).optional(),
        limit: z.number().int().min(1).max(500).default(100),
        offset: z.number().int().min(0).max(1_000_000).default(0),
        // History search: order number (or its ending), amount in yuan, product name/SKU/barcode/pinyin.
        // A full order number finds that order on any day; anything else searches `date` only.
        q: z.string().trim().max(64).optional(),
      })
      .strict(),
  }),
  // The status bar: provider health, printer, sync backlog, shift (from stored facts; no network call).
  'status.get': method<Dto.StatusDto>()({ role: 'cashier', input: none }),
  // The daily settlement (Z, 日结) report of one business day of this store (default: today).
  'report.day': method<Dto.DayReportDto>()({ role: 'manager', input: z.object({ date: businessDate.optional() }).strict() }),
  // The Z (kind 'day') and X (kind 'shift') reports rendered (electron/reports/render): a summary on the receipt printer,
  // one self-contained HTML document (screen, system print, PDF), the day as CSV (UTF-8 with BOM, yuan and fen columns).
  'report.print': method<{ printer: 'network' | 'system'; bytes?: number }>()({
    role: 'manager',
    input: z.object({ kind: z.enum(['day', 'shift']), date: businessDate.optional(), shiftId: ulid.optional(), lang: z.enum(['zh-CN', 'en']).optional() }).strict(),
    audited: true,
  }),
  'report.html': method<{ html: string }>()({
    role: 'manager',
    input: z.object({ kind: z.enum(['day', 'shift']), date: businessDate.optional(), shiftId: ulid.optional(), lang: z.enum(['zh-CN', 'en']) }).strict(),
  }),
  'report.csv': method<{ filename: string; csv: string }>()({
    role: 'manager',
    input: z.object({ date: businessDate.optional(), lang: z.enum(['zh-CN', 'en']) }).strict(),
  }),
  // Reconciliation (对账) of a business day against the WeChat Pay and Alipay trade bills (available from T+1 10:00 China time).
  'reconcile.run': method<Dto.ReconciliationDto>()({ role: 'manager', input: z.object({ date: businessDate }).strict(), audited: true }),
  'reconcile.get': method<Dto.ReconciliationDto | null>()({ role: 'manager', input: z.object({ date: businessDate }).strict() }),
  // Repairs a missed success after re-querying the provider; a manager's PIN approves it.
  'reconcile.repair': method<Dto.ReconciliationIssueDto>()({
    role: 'manager',
    input: z.object({ issueId: z.number().int().positive(), approval: approvalSchema }).strict(),
    audited: true,
  }),

  // shifts and the cash drawer: a manager (or a cashier with a manager's approval) opens with a counted float,
  // moves cash with a reason and closes with a count; no sale without an open shift on the terminal.
  'shift.current': method<Dto.ShiftDto | null>()({ role: 'cashier', input: none }),
  'shift.open': method<Dto.ShiftDto>()({
    role: 'cashier',
    input: z.object({ floatFen: fen.optional(), denominations: denominationsSchema.optional(), approval: approvalSchema.optional() }).strict(),
    audited: true,
  }),
  'shift.cashMovement': method<Dto.ShiftDto>()({
    role: 'cashier',
    input: z.object({ kind: z.enum(['in', 'out']), amountFen: positiveFen, reason: text(200), approval: approvalSchema.optional() }).strict(),
    audited: true,
  }),
  'shift.close': method<Dto.ShiftCashDto>()({
    role: 'cashier',
    input: z
      .object({ countedFen: fen.optional(), denominations: denominationsSchema.optional(), note: text(200).optional(), approval: approvalSchema.optional() })
      .strict(),
    audited: true,
  }),
  'shift.list': method<Dto.ShiftCashDto[]>()({ role: 'manager', input: z.object({ date: businessDate }).strict() }),
  // The shift (X) report, printable any time; default: this terminal's open shift.
  'shift.report': method<Dto.ShiftReportDto>()({ role: 'manager', input: z.object({ shiftId: ulid.optional() }).strict() }),

  // payments: provider attempts run in the main process; progress arrives as payment.progress events
  'payment.startQr': method<Dto.PaymentDto>()({
    role: 'cashier',
    input: z.object({ orderId: ulid, tender: z.enum(['wechat', 'alipay']), amountFen: positiveFen.optional() }).strict(),
  }),
  'payment.scanCode': method<Dto.PaymentDto>()({
    role: 'cashier',
    // The code is checked for a provider prefix and length before any network call.
    input: z.object({ orderId: ulid, code: z.string().trim().min(1).max(64), amountFen: positiveFen.optional() }).strict(),
  }),
  'payment.cancel': method<Dto.PaymentDto>()({ role: 'cashier', input: z.object({ paymentId: ulid }).strict(), audited: true }),
  'payment.get': method<Dto.PaymentDto>()({ role: 'cashier', input: z.object({ paymentId: ulid }).strict() }),
  'refund.create': method<Dto.RefundDto[]>()({
    role: 'cashier',
    input: z
      .object({ orderId: ulid, amountFen: positiveFen, reason: text(200), paymentId: ulid.optional(), approval: approvalSchema })
      .strict(),
    audited: true,
  }),
  'payments.status': method<Dto.ProviderStatusDto>()({ role: 'manager', input: none }),
  // Queries a made-up out_trade_no: ok when the provider answers "no such order" (verified), else a typed error.
  'payments.testConnection': method<Dto.ProviderTestDto>()({
    role: 'manager',
    input: z.object({ provider: z.enum(['wechat', 'alipay']) }).strict(),
    audited: true,
  }),
  'secrets.set': method<{ ok: true }>()({
    role: 'owner',
    input: z.object({ name: z.enum(SECRET_NAMES), value: z.string().min(1).max(20_000) }).strict(),
    audited: true,
  }),

  // background sync to the cloud (electron/sync): backlog, last success and error; dead letters; enrolment
  'sync.status': method<Dto.SyncStatusDto>()({ role: 'cashier', input: none }),
  'sync.deadLetters': method<Dto.DeadLetterDto[]>()({
    role: 'manager',
    input: z.object({ limit: z.number().int().min(1).max(1000).default(200) }).strict(),
  }),
  // Puts an order's dead rows back in the queue (sent again at its current version).
  'sync.retryDeadLetter': method<{ rows: number }>()({ role: 'manager', input: z.object({ orderId: ulid }).strict(), audited: true }),
  // One-time code from the head office; the secret the cloud issues goes to the vault, never back out.
  'sync.enrol': method<Dto.SyncEnrolmentDto>()({
    role: 'owner',
    input: z
      .object({
        cloudUrl: z.url({ protocol: /^https?$/ }).max(500),
        code: z.string().trim().toUpperCase().regex(/^[A-Z0-9]{8,32}$/, 'enrolment code: 8–32 letters and digits'),
      })
      .strict(),
    audited: true,
  }),

  // receipts
  'receipt.html': method<{ html: string }>()({
    role: 'cashier',
    input: z
      .object({ orderId: ulid, language: z.enum(['zh-CN', 'en']), paperWidth: z.union([z.literal(58), z.literal(80)]).optional(), refundId: ulid.optional(), reprint: z.boolean().optional() })
      .strict(),
  }),
  'receipt.print': method<{ printer: 'network' | 'system' | 'none'; bytes?: number }>()({
    role: 'cashier',
    input: z.object({ orderId: ulid, language: z.enum(['zh-CN', 'en']), refundId: ulid.optional(), reprint: z.boolean().optional() }).strict(),
    audited: true,
  }),

  // A short bilingual test page through the configured printer, or through `printer` (the form's unsaved values).
  'printer.test': method<Dto.PrinterTestDto>()({
    role: 'manager',
    input: z
      .object({
        printer: z
          .object({
            kind: z.enum(['none', 'network', 'system']),
            host: z.string().trim().min(1).max(255).regex(/^[A-Za-z0-9.:[\]_-]+$/, 'host name or IP address').optional(),
            port: z.number().int().min(1).max(65_535).optional(),
            paperWidth: z.union([z.literal(58), z.literal(80)]),
            deviceName: z.string().max(200).optional(),
          })
          .strict()
          .optional(),
        openDrawer: z.boolean().default(false),
      })
      .strict(),
    audited: true,
  }),

  // administration
  'settings.get': method<Record<string, unknown>>()({ role: 'manager', input: none }),
  'settings.set': method<Record<string, unknown>>()({
    role: 'manager',
    input: z.object({ key: text(64), value: z.unknown() }).strict(),
    audited: true,
  }),
  'users.list': method<Dto.UserDto[]>()({ role: 'manager', input: none }),
  'users.create': method<Dto.UserDto>()({
    role: 'manager',
    input: z
      .object({
        username: z.string().regex(/^[a-zA-Z0-9_.-]{2,32}$/, '2–32 letters, digits, _ . -'),
        displayName: text(64),
        role: z.enum(['cashier', 'manager', 'owner']),
        pin: z.string().regex(/^\d{4,8}$/, 'PIN is 4–8 digits'),
      })
      .strict(),
    audited: true,
  }),
  'users.setPin': method<{ ok: true }>()({
    role: 'manager',
    input: z.object({ userId: text(40), pin: z.string().regex(/^\d{4,8}$/, 'PIN is 4–8 digits') }).strict(),
    audited: true,
  }),
  'users.setActive': method<{ ok: true }>()({
    role: 'manager',
    input: z.object({ userId: text(40), active: z.boolean() }).strict(),
    audited: true,
  }),
  'audit.list': method<Dto.AuditDto[]>()({
    role: 'manager',
    input: z.object({ since: z.string().datetime().optional(), action: text(64).optional(), limit: z.number().int().min(1).max(1000).default(200) }).strict(),
  }),
} as const;

export type ApiMethodName = keyof typeof API;
export type ApiInput<K extends ApiMethodName> = z.input<(typeof API)[K]['input']>;
export type ApiParsedInput<K extends ApiMethodName> = z.output<(typeof API)[K]['input']>;
// Exclude, not NonNullable: a method may answer null (reconcile.get for a day never reconciled).
export type ApiOutput<K extends ApiMethodName> = Exclude<(typeof API)[K]['output'], undefined>;

/** The typed client shape the renderer gets (through the preload or fetch). */
export type ApiClient = { [K in ApiMethodName]: (input: ApiInput<K>) => Promise<ApiOutput<K>> };

export type ApiResult<T> = { ok: true; result: T } | { ok: false; error: Dto.ApiErrorDto };

export const API_METHOD_NAMES = Object.keys(API) as ApiMethodName[];
