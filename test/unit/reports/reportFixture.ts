import type { DayReport, ShiftCash, ShiftReport } from '../../../electron/reports/types';

/**
 * A day and a shift report whose numbers obey the definitions in electron/reports/types.ts
 * (sales = gross − discounts − coupons − rounding + delivery; net = sales − refunds; tenders,
 * cashiers and hours each add up to the totals), so tests can re-add what the renderers print.
 */

export const shiftA: ShiftCash = {
  shiftId: '01JSHIFTAAAAAAAAAAAAAAAAAA',
  terminalId: 'T01',
  state: 'closed',
  openedBy: 'u-cashier',
  openedByName: '王小明',
  openedAt: '2026-11-23T01:00:00.000Z',
  closedBy: 'u-manager',
  closedByName: '李经理',
  closedAt: '2026-11-23T09:30:00.000Z',
  openingFloatFen: 50_000,
  cashTakenFen: 35_000,
  changeGivenFen: 5_000,
  cashRefundsFen: 1_230,
  cashInFen: 2_000,
  cashOutFen: 10_000,
  // 50000 + 35000 − 5000 − 1230 + 2000 − 10000
  expectedFen: 70_770,
  countedFen: 70_700,
  differenceFen: -70,
};

export const shiftB: ShiftCash = {
  ...shiftA,
  shiftId: '01JSHIFTBBBBBBBBBBBBBBBBBB',
  terminalId: 'T02',
  state: 'open',
  openedBy: 'u-cashier2',
  openedByName: 'Amy "Till" Chen',
  openedAt: '2026-11-23T05:00:00.000Z',
  closedBy: null,
  closedByName: null,
  closedAt: null,
  openingFloatFen: 20_000,
  cashTakenFen: 0,
  changeGivenFen: 0,
  cashRefundsFen: 0,
  cashInFen: 0,
  cashOutFen: 0,
  expectedFen: 20_000,
  countedFen: null,
  differenceFen: null,
};

export function dayReportFixture(overrides: Partial<DayReport> = {}): DayReport {
  return {
    storeId: 'S001',
    storeName: '示例便利店',
    businessDate: '2026-11-23',
    timeZone: 'Asia/Shanghai',
    generatedAt: '2026-11-23T14:05:00.000Z',
    totals: {
      grossFen: 100_000,
      lineDiscountsFen: 2_000,
      orderDiscountsFen: 1_000,
      couponsFen: 500,
      roundingFen: 30,
      deliveryFeesFen: 800,
      salesFen: 97_270,
      taxFen: 11_190,
      refundsFen: 1_230,
      automaticRefundsFen: 0,
      netFen: 96_040,
      orderCount: 7,
      refundCount: 1,
      averageTicketFen: 13_895, // floor(97270 / 7)
      itemsSold: 23,
    },
    tenders: [
      { tender: 'cash', takenFen: 30_000, paymentCount: 3, refundedFen: 1_230, refundCount: 1, netFen: 28_770 },
      { tender: 'wechat', takenFen: 40_000, paymentCount: 2, refundedFen: 0, refundCount: 0, netFen: 40_000 },
      { tender: 'alipay', takenFen: 27_270, paymentCount: 2, refundedFen: 0, refundCount: 0, netFen: 27_270 },
    ],
    cashiers: [
      { cashierId: 'u-cashier', cashierName: '王小明', orderCount: 5, salesFen: 70_000, refundsFen: 1_230 },
      { cashierId: 'u-cashier2', cashierName: 'Amy "Till" Chen', orderCount: 2, salesFen: 27_270, refundsFen: 0 },
    ],
    hours: [
      { hour: 9, orderCount: 2, salesFen: 20_000 },
      { hour: 12, orderCount: 4, salesFen: 67_270 },
      { hour: 18, orderCount: 1, salesFen: 10_000 },
    ],
    topProducts: [
      { sku: 'A100', name: '农夫山泉 550ml', quantity: 12, soldBy: 'unit', netFen: 24_000 },
      { sku: 'B200', name: 'Apples, red', quantity: 1_234, soldBy: 'weight', netFen: 1_230 },
    ],
    shifts: [shiftA, shiftB],
    unfinishedPayments: [
      { paymentId: 'p1', orderId: 'o1', orderNo: 'S001-T01-20261123-0009', tender: 'wechat', outTradeNo: 'T01W0009A1', amountFen: 1_500, state: 'unknown', createdAt: '2026-11-23T08:00:00.000Z' },
    ],
    unsyncedOrders: [{ orderId: 'o2', orderNo: 'S001-T01-20261123-0010', state: 'completed', pendingSince: '2026-11-23T08:10:00.000Z', dead: true }],
    reconciliation: {
      runId: 3,
      storeId: 'S001',
      businessDate: '2026-11-23',
      ranAt: '2026-11-24T02:00:00.000Z',
      ranBy: 'manager',
      providers: [
        { provider: 'wechat', status: 'mismatches', billRows: 3, matchedRows: 2, billPaymentsFen: 41_500, billRefundsFen: 0, error: null },
        { provider: 'alipay', status: 'failed', billRows: 0, matchedRows: 0, billPaymentsFen: 0, billRefundsFen: 0, error: { code: 'PROVIDER_UNREACHABLE', message: { zh: '无法连接支付宝', en: 'Alipay unreachable' } } },
      ],
      issues: [
        {
          id: 11,
          provider: 'wechat',
          kind: 'not_paid_locally',
          outTradeNo: 'T01W0009A1',
          providerTradeNo: '4200000001',
          outRefundNo: null,
          orderId: 'o1',
          orderNo: 'S001-T01-20261123-0009',
          localFen: null,
          providerFen: 1_500,
          suggestedAction: 'repair',
          repairable: true,
          repairedAt: null,
          repairedBy: null,
        },
      ],
    },
    ...overrides,
  };
}

export function shiftReportFixture(): ShiftReport {
  return {
    storeId: 'S001',
    storeName: '示例便利店',
    generatedAt: '2026-11-23T09:31:00.000Z',
    cash: shiftA,
    movements: [
      { id: 'm1', kind: 'in', amountFen: 2_000, reason: '补零钱 coins, "rolls"', userId: 'u-manager', userName: '李经理', at: '2026-11-23T03:00:00.000Z' },
      { id: 'm2', kind: 'out', amountFen: 10_000, reason: '存银行', userId: 'u-manager', userName: '李经理', at: '2026-11-23T06:00:00.000Z' },
    ],
    sales: { salesFen: 70_000, orderCount: 5, refundsFen: 1_230, netFen: 68_770 },
    tenders: [
      { tender: 'cash', takenFen: 30_000, paymentCount: 3, refundedFen: 1_230, refundCount: 1, netFen: 28_770 },
      { tender: 'wechat', takenFen: 40_000, paymentCount: 2, refundedFen: 0, refundCount: 0, netFen: 40_000 },
    ],
  };
}
