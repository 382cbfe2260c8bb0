import { getStore, getTerminal } from '../../db/stores/storesAndTerminals';
import { getUserById, insertUser, listUsers, setUserActive, updateUserPin } from '../../db/stores/users';
import { appendAudit, listAudit } from '../../db/stores/audit';
import { hashPin } from '../../db/pinHash';
import type { Core } from '../core/createCore';
import { isSettingKey } from '../core/settings';
import type { ApiMethodName, ApiOutput, ApiParsedInput } from './contract';
import { TillError } from './errors';
import { forbidden, hasRole, type Session } from './sessions';
import { toOrderDto, toOrderSummaryDto, toPaymentDto, toRefundDto, toUserDto } from './mappers';
import type { SessionDto } from './dto';
import { currentStatus, recordPrint } from './status';
import { searchHistory } from './history';
import { buildDayReport } from '../reports/dayReport';
import { latestReconciliation, repairReconciliationIssue, runReconciliation } from '../reports/reconcile';
import { printTestPage, testProviderConnection } from './diagnostics';
import { currentShift, drawerActor, shiftReport, toShiftDto } from './shifts';
import { printReport, reportCsv, reportHtml, type ReportSources } from './reports';

export interface HandlerContext {
  core: Core;
  /** Null only for methods whose role is null (log-in). */
  session: Session | null;
}

type Handler<K extends ApiMethodName> = (ctx: HandlerContext, input: ApiParsedInput<K>) => ApiOutput<K> | Promise<ApiOutput<K>>;
type Handlers = { [K in ApiMethodName]: Handler<K> };

function sessionOf(ctx: HandlerContext): Session {
  if (!ctx.session) throw new TillError('NOT_LOGGED_IN');
  return ctx.session;
}

function actorOf(ctx: HandlerContext) {
  const session = sessionOf(ctx);
  return { userId: session.userId, terminalId: session.terminalId };
}

function sessionDto(core: Core, session: Session): SessionDto {
  const terminal = getTerminal(core.db, session.terminalId);
  const store = terminal ? getStore(core.db, terminal.store_id) : undefined;
  if (!terminal || !store) throw new TillError('NO_STORE');
  return {
    token: session.token,
    user: { id: session.userId, username: session.username, displayName: session.displayName, role: session.role },
    store: { id: store.id, code: store.code, name: store.name, timezone: store.timezone },
    terminal: { id: terminal.id, code: terminal.code, name: terminal.name },
    businessDate: core.orders.today(),
  };
}

async function approverOf(ctx: HandlerContext, approval: { username: string; pin: string } | undefined) {
  if (!approval) return undefined;
  const approver = await ctx.core.sessions.approve(approval, 'manager');
  return { approverId: approver.id };
}

/** report.print/html/csv render exactly what report.day and shift.report return. */
function reportSources(ctx: HandlerContext): ReportSources {
  return {
    day: (date) => HANDLERS['report.day'](ctx, { date }),
    shift: (shiftId) => HANDLERS['shift.report'](ctx, { shiftId }),
  };
}

/** One handler per contract method; the dispatcher has already validated input and role. */
export const HANDLERS: Handlers = {
  'app.info': ({ core }) => ({ paymentsMode: core.settings.get('payments.mode'), demoPay: core.demoPayer !== undefined }),
  'sandbox.pay': ({ core }, input) => {
    if (!core.demoPayer) throw new TillError('SANDBOX_ONLY');
    return core.demoPayer.pay(input.tender, input.outTradeNo);
  },
  'session.login': async ({ core }, input) => sessionDto(core, await core.sessions.login(input)),
  'session.logout': (ctx) => {
    ctx.core.sessions.logout(sessionOf(ctx).token);
    return { ok: true };
  },
  'session.current': (ctx) => sessionDto(ctx.core, sessionOf(ctx)),

  'catalog.search': ({ core }, input) => core.catalog.search(input.query, input.limit),
  'catalog.lookup': ({ core }, input) => core.catalog.lookupScan(input.code),
  'catalog.import': (ctx, input) => {
    const result = ctx.core.importCatalogCsv(input.csv);
    appendAudit(ctx.core.db, {
      at: ctx.core.nowIso(),
      terminalId: sessionOf(ctx).terminalId,
      userId: sessionOf(ctx).userId,
      action: 'catalog.import',
      details: { inserted: result.inserted, updated: result.updated, skipped: result.skipped.length },
    });
    return result;
  },

  'cart.get': (ctx) => ctx.core.carts.view(sessionOf(ctx).terminalId),
  'cart.scan': (ctx, input) => ctx.core.carts.scan(actorOf(ctx), input.code),
  'cart.addProduct': (ctx, input) => ctx.core.carts.addProduct(actorOf(ctx), input.productId, input.quantity),
  'cart.setQuantity': (ctx, input) => ctx.core.carts.setQuantity(actorOf(ctx), input.lineId, input.quantity),
  'cart.removeLine': (ctx, input) => ctx.core.carts.removeLine(actorOf(ctx), input.lineId),
  'cart.setLineDiscount': async (ctx, input) =>
    ctx.core.carts.setLineDiscount(actorOf(ctx), input.lineId, input.discount, await approverOf(ctx, input.approval)),
  'cart.setOrderDiscount': async (ctx, input) =>
    ctx.core.carts.setOrderDiscount(actorOf(ctx), input.discount, await approverOf(ctx, input.approval)),
  'cart.setCoupon': async (ctx, input) => ctx.core.carts.setCoupon(actorOf(ctx), input.coupon, await approverOf(ctx, input.approval)),
  'cart.overridePrice': async (ctx, input) =>
    ctx.core.carts.overridePrice(actorOf(ctx), input.lineId, input.unitPriceFen, await approverOf(ctx, input.approval)),
  'cart.clear': (ctx) => ctx.core.carts.clear(actorOf(ctx)),

  'order.create': (ctx, input) => {
    const actor = actorOf(ctx);
    const cart = ctx.core.carts.load(actor.terminalId);
    return toOrderDto(ctx.core.orders.checkout(actor, cart, input));
  },
  'order.payCash': (ctx, input) => {
    const { detail, changeFen } = ctx.core.orders.payCash(actorOf(ctx), input.orderId, input.tenderedFen, input.amountFen);
    return { order: toOrderDto(detail), changeFen };
  },
  'order.cancel': async (ctx, input) => {
    const approver = await approverOf(ctx, input.approval);
    const detail = ctx.core.orders.cancel(actorOf(ctx), input.orderId, input.reason, approver?.approverId);
    // Provider tenders of a part-paid order were turned into refund rows: send them now.
    ctx.core.refunds.sweep();
    return toOrderDto(detail);
  },
  'order.get': ({ core }, input) => toOrderDto(core.orders.get(input.orderId)),
  'order.listByDay': ({ core }, input) => {
    const date = input.date ?? core.orders.today();
    const options = { ...(input.state ? { state: input.state } : {}), limit: input.limit, offset: input.offset };
    return (input.q ? searchHistory(core, date, input.q, options) : core.orders.listByDay(date, options)).map(toOrderSummaryDto);
  },
  'status.get': ({ core }) => currentStatus(core),

  'shift.current': (ctx) => currentShift(ctx.core, sessionOf(ctx).terminalId),
  'shift.open': async (ctx, input) => {
    const actor = await drawerActor(ctx.core, sessionOf(ctx), input.approval);
    const opened = ctx.core.shifts.open(actor, { totalFen: input.floatFen, denominations: input.denominations });
    return toShiftDto(ctx.core, opened.shiftId);
  },
  'shift.cashMovement': async (ctx, input) => {
    const actor = await drawerActor(ctx.core, sessionOf(ctx), input.approval);
    const shift = ctx.core.shifts.cashMovement(actor, { kind: input.kind, amountFen: input.amountFen, reason: input.reason });
    return toShiftDto(ctx.core, shift.shiftId);
  },
  'shift.close': async (ctx, input) => {
    const actor = await drawerActor(ctx.core, sessionOf(ctx), input.approval);
    return ctx.core.shifts.close(actor, { totalFen: input.countedFen, denominations: input.denominations }, input.note);
  },
  'shift.list': ({ core }, input) => core.shifts.listForDay(input.date),
  'shift.report': (ctx, input) => shiftReport(ctx.core, sessionOf(ctx).terminalId, input.shiftId),
  'report.day': ({ core }, input) =>
    buildDayReport(core.db, {
      storeId: core.identity().storeId,
      businessDate: input.date ?? core.orders.today(),
      timeZone: core.identity().timeZone,
      dayStartHour: core.settings.get('store.businessDayStartHour'),
      now: core.nowIso(),
    }),
  'reconcile.run': async (ctx, input) => {
    const session = sessionOf(ctx);
    const { core } = ctx;
    const run = await runReconciliation(
      { db: core.db, providers: () => core.providers.clients(), clock: core.clock },
      { storeId: core.identity().storeId, businessDate: input.date, userId: session.userId },
    );
    appendAudit(core.db, {
      at: core.nowIso(),
      terminalId: session.terminalId,
      userId: session.userId,
      action: 'reconciliation.run',
      target: input.date,
      details: { runId: run.runId, issues: run.issues.length, providers: run.providers.map((p) => `${p.provider}:${p.status}`) },
    });
    return run;
  },
  'report.print': (ctx, input) => printReport(ctx.core, actorOf(ctx), reportSources(ctx), input),
  'report.html': (ctx, input) => reportHtml(ctx.core, reportSources(ctx), input),
  'report.csv': (ctx, input) => reportCsv(reportSources(ctx), input),
  'reconcile.get': ({ core }, input) => latestReconciliation(core.db, core.identity().storeId, input.date),
  'reconcile.repair': async (ctx, input) => {
    const session = sessionOf(ctx);
    const { core } = ctx;
    const approver = await core.sessions.approve(input.approval, 'manager');
    return repairReconciliationIssue(
      { db: core.db, providers: () => core.providers.clients(), clock: core.clock, payments: core.payments, terminalId: session.terminalId },
      { issueId: input.issueId, storeId: core.identity().storeId, userId: session.userId, approverId: approver.id },
    );
  },

  'payment.startQr': (ctx, input) => toPaymentDto(ctx.core.payments.startMerchantQr(actorOf(ctx), input.orderId, input.tender, input.amountFen)),
  'payment.scanCode': (ctx, input) => toPaymentDto(ctx.core.payments.startCustomerCode(actorOf(ctx), input.orderId, input.code, input.amountFen)),
  'payment.cancel': (ctx, input) => toPaymentDto(ctx.core.payments.cancelAttempt(actorOf(ctx), input.paymentId)),
  'payment.get': ({ core }, input) => {
    const row = core.payments.store.get(input.paymentId);
    if (!row) throw new TillError('PAYMENT_NOT_FOUND', { paymentId: input.paymentId });
    return toPaymentDto(row);
  },
  'refund.create': async (ctx, input) => {
    const approver = await ctx.core.sessions.approve(input.approval, 'manager');
    return ctx.core.refunds
      .requestRefund(actorOf(ctx), {
        orderId: input.orderId,
        amountFen: input.amountFen,
        reason: input.reason,
        approverId: approver.id,
        ...(input.paymentId ? { paymentId: input.paymentId } : {}),
      })
      .map(toRefundDto);
  },
  'payments.status': ({ core }) => {
    const describe = (name: 'wechat' | 'alipay') => {
      const entry = core.providers.entry(name);
      return { configured: Boolean(entry), sandbox: entry?.sandbox ?? false, merchantId: entry?.client.merchantId ?? null };
    };
    return {
      wechat: describe('wechat'),
      alipay: describe('alipay'),
      secrets: core.vault?.describe() ?? {},
      unfinishedPayments: core.payments.store.unfinished().length,
      openRefunds: (core.db.prepare("SELECT count(*) AS n FROM refunds WHERE state IN ('created', 'pending', 'unknown', 'abnormal')").get() as { n: number }).n,
    };
  },
  'payments.testConnection': (ctx, input) => testProviderConnection(ctx.core, actorOf(ctx), input.provider),
  'secrets.set': (ctx, input) => {
    if (!ctx.core.vault) throw new TillError('SETTING_INVALID', { key: input.name });
    const session = sessionOf(ctx);
    const now = ctx.core.nowIso();
    ctx.core.db.transaction(() => {
      ctx.core.vault!.store(input.name, input.value);
      // The audit says which secret changed and who changed it, never the value.
      appendAudit(ctx.core.db, { at: now, terminalId: session.terminalId, userId: session.userId, action: 'secret.changed', target: input.name });
    })();
    ctx.core.reconfigurePayments();
    return { ok: true };
  },

  'sync.status': ({ core }) => core.sync.status(),
  'sync.deadLetters': ({ core }, input) => core.sync.deadLetters(input.limit),
  'sync.retryDeadLetter': (ctx, input) => {
    const session = sessionOf(ctx);
    const rows = ctx.core.db.transaction(() => {
      const requeued = ctx.core.sync.retryDeadLetter(input.orderId);
      appendAudit(ctx.core.db, { at: ctx.core.nowIso(), terminalId: session.terminalId, userId: session.userId, action: 'sync.dead_letter_retried', target: input.orderId, details: { rows: requeued } });
      return requeued;
    })();
    return { rows };
  },
  'sync.enrol': async (ctx, input) => {
    const session = sessionOf(ctx);
    try {
      const enrolment = await ctx.core.sync.enrol(input.cloudUrl, input.code);
      // The audit names the cloud and the terminal id it issued; never the code's secret answer.
      appendAudit(ctx.core.db, { at: ctx.core.nowIso(), terminalId: session.terminalId, userId: session.userId, action: 'sync.enrolled', target: enrolment.terminalId, details: { cloudUrl: enrolment.cloudUrl } });
      return enrolment;
    } catch (error) {
      appendAudit(ctx.core.db, {
        at: ctx.core.nowIso(),
        terminalId: session.terminalId,
        userId: session.userId,
        action: 'sync.enrol_failed',
        target: input.cloudUrl,
        details: { code: error instanceof TillError ? error.code : 'INTERNAL' },
      });
      throw error;
    }
  },

  'receipt.html': async ({ core }, input) => ({
    html: await core.receipts.html(toOrderDto(core.orders.get(input.orderId)), input.language, {
      ...(input.paperWidth ? { paperWidth: input.paperWidth } : {}),
      ...(input.refundId ? { refundId: input.refundId } : {}),
      ...(input.reprint ? { reprint: true } : {}),
    }),
  }),
  'receipt.print': async (ctx, input) => {
    const order = toOrderDto(ctx.core.orders.get(input.orderId));
    const facts = { orderNo: order.orderNo, reprint: input.reprint === true, refund: input.refundId !== undefined };
    try {
      const outcome = await ctx.core.receipts.print(order, input.language, actorOf(ctx), {
        ...(input.refundId ? { refundId: input.refundId } : {}),
        ...(input.reprint ? { reprint: true } : {}),
      });
      recordPrint(ctx.core, { ok: true, at: ctx.core.nowIso(), printer: outcome.printer, error: null, ...facts });
      return outcome;
    } catch (error) {
      // The status bar shows the failure until the next print succeeds; the caller gets the typed error.
      const typed = error instanceof TillError ? error : new TillError('INTERNAL', { ref: 'print' });
      recordPrint(ctx.core, { ok: false, at: ctx.core.nowIso(), printer: ctx.core.settings.get('printing.receiptPrinter').kind, error: typed.toApiError(), ...facts });
      throw error;
    }
  },

  'printer.test': (ctx, input) => printTestPage(ctx.core, actorOf(ctx), input),

  'settings.get': ({ core }) => core.settings.all(),
  'settings.set': (ctx, input) => {
    if (!isSettingKey(input.key)) throw new TillError('SETTING_INVALID', { key: input.key });
    const session = sessionOf(ctx);
    const now = ctx.core.nowIso();
    ctx.core.db.transaction(() => {
      ctx.core.settings.set(input.key as Parameters<Core['settings']['set']>[0], input.value, now);
      appendAudit(ctx.core.db, { at: now, terminalId: session.terminalId, userId: session.userId, action: 'settings.changed', target: input.key, details: { value: input.value as never } });
    })();
    if (input.key.startsWith('payments.')) ctx.core.reconfigurePayments();
    return ctx.core.settings.all();
  },
  'users.list': ({ core }) => listUsers(core.db).map((user) => toUserDto(user, core.clock())),
  'users.create': async (ctx, input) => {
    const session = sessionOf(ctx);
    // A manager may add cashiers and managers; only an owner may create another owner.
    if (input.role === 'owner' && !hasRole(session.role, 'owner')) throw forbidden('owner');
    const now = ctx.core.nowIso();
    const id = ctx.core.orders.newUlid();
    const pinHash = await hashPin(input.pin);
    ctx.core.db.transaction(() => {
      insertUser(ctx.core.db, {
        id,
        store_id: ctx.core.identity().storeId,
        username: input.username,
        display_name: input.displayName,
        role: input.role,
        pin_hash: pinHash,
        failed_attempts: 0,
        locked_until: null,
        active: 1,
        created_at: now,
        updated_at: now,
      });
      appendAudit(ctx.core.db, { at: now, terminalId: session.terminalId, userId: session.userId, action: 'user.created', target: input.username, details: { role: input.role } });
    })();
    return toUserDto(getUserById(ctx.core.db, id)!, ctx.core.clock());
  },
  'users.setPin': async (ctx, input) => {
    const session = sessionOf(ctx);
    const target = getUserById(ctx.core.db, input.userId);
    if (!target) throw new TillError('VALIDATION_FAILED', { summary: 'userId' });
    if (target.role === 'owner' && !hasRole(session.role, 'owner')) throw forbidden('owner');
    const pinHash = await hashPin(input.pin);
    const now = ctx.core.nowIso();
    ctx.core.db.transaction(() => {
      updateUserPin(ctx.core.db, target.id, pinHash, now);
      appendAudit(ctx.core.db, { at: now, terminalId: session.terminalId, userId: session.userId, action: 'user.pin_changed', target: target.username });
    })();
    return { ok: true };
  },
  'users.setActive': (ctx, input) => {
    const session = sessionOf(ctx);
    const target = getUserById(ctx.core.db, input.userId);
    if (!target) throw new TillError('VALIDATION_FAILED', { summary: 'userId' });
    if (target.role === 'owner' && !hasRole(session.role, 'owner')) throw forbidden('owner');
    const now = ctx.core.nowIso();
    ctx.core.db.transaction(() => {
      setUserActive(ctx.core.db, target.id, input.active, now);
      appendAudit(ctx.core.db, { at: now, terminalId: session.terminalId, userId: session.userId, action: input.active ? 'user.enabled' : 'user.disabled', target: target.username });
    })();
    return { ok: true };
  },
  'audit.list': ({ core }, input) =>
    listAudit(core.db, { ...(input.since ? { since: input.since } : {}), ...(input.action ? { action: input.action } : {}), limit: input.limit }).map((row) => ({
      id: row.id,
      at: row.at,
      userId: row.user_id,
      approverId: row.approver_id,
      action: row.action,
      target: row.target,
      details: row.details ? (JSON.parse(row.details) as Record<string, unknown>) : null,
    })),
};
