import type { ReconciliationIssueKind, Tender } from '../types';

/**
 * Every word the report renderers (HTML, ESC/POS, CSV) print, in both languages. Kept in one
 * table so the three outputs say the same thing, and so a test can check both languages.
 */

export type ReportLanguage = 'zh-CN' | 'en';

export interface ReportLabels {
  dayTitle: string;
  shiftTitle: string;
  store: string;
  businessDate: string;
  generatedAt: string;
  timeZone: string;
  totals: string;
  gross: string;
  lineDiscounts: string;
  orderDiscounts: string;
  coupons: string;
  rounding: string;
  deliveryFees: string;
  sales: string;
  refunds: string;
  automaticRefunds: string;
  net: string;
  tax: string;
  orderCount: string;
  refundCount: string;
  averageTicket: string;
  itemsSold: string;
  byTender: string;
  tender: string;
  taken: string;
  payments: string;
  refunded: string;
  byCashier: string;
  cashier: string;
  automatic: string;
  byHour: string;
  hour: string;
  orders: string;
  topProducts: string;
  sku: string;
  product: string;
  quantity: string;
  cashPerShift: string;
  shift: string;
  terminal: string;
  state: string;
  openedBy: string;
  openedAt: string;
  closedAt: string;
  float: string;
  cashTaken: string;
  change: string;
  cashRefunds: string;
  cashIn: string;
  cashOut: string;
  expected: string;
  counted: string;
  difference: string;
  notCounted: string;
  open: string;
  closed: string;
  movements: string;
  kind: string;
  amount: string;
  reason: string;
  user: string;
  time: string;
  in: string;
  out: string;
  unfinishedPayments: string;
  orderNo: string;
  outTradeNo: string;
  createdAt: string;
  unsyncedOrders: string;
  pendingSince: string;
  dead: string;
  yes: string;
  no: string;
  none: string;
  reconciliation: string;
  notReconciled: string;
  ranAt: string;
  ranBy: string;
  provider: string;
  status: string;
  billRows: string;
  matchedRows: string;
  billPayments: string;
  billRefunds: string;
  issues: string;
  issue: string;
  local: string;
  providerAmount: string;
  suggestedAction: string;
  repaired: string;
  noIssues: string;
  fenSuffix: string;
  section: string;
  tenders: Record<Tender, string>;
  providers: Record<'wechat' | 'alipay', string>;
  providerStatus: Record<'matched' | 'mismatches' | 'empty' | 'unconfigured' | 'failed', string>;
  issueKinds: Record<ReconciliationIssueKind, string>;
  actions: Record<string, string>;
}

const ZH: ReportLabels = {
  dayTitle: '日结报表（Z）',
  shiftTitle: '交班报表（X）',
  store: '门店',
  businessDate: '营业日',
  generatedAt: '生成时间',
  timeZone: '时区',
  totals: '汇总',
  gross: '商品原价合计',
  lineDiscounts: '单品折扣',
  orderDiscounts: '整单折扣',
  coupons: '优惠券',
  rounding: '抹零',
  deliveryFees: '配送费',
  sales: '销售额',
  refunds: '退款',
  automaticRefunds: '其中自动退款',
  net: '净收入',
  tax: '含税额',
  orderCount: '订单数',
  refundCount: '退款笔数',
  averageTicket: '客单价',
  itemsSold: '售出件数',
  byTender: '按支付方式',
  tender: '支付方式',
  taken: '收款',
  payments: '笔数',
  refunded: '退款',
  byCashier: '按收银员',
  cashier: '收银员',
  automatic: '自动退款',
  byHour: '按小时',
  hour: '时段',
  orders: '订单',
  topProducts: '热销商品',
  sku: '货号',
  product: '商品',
  quantity: '数量',
  cashPerShift: '各班现金',
  shift: '班次',
  terminal: '终端',
  state: '状态',
  openedBy: '开班人',
  openedAt: '开班时间',
  closedAt: '交班时间',
  float: '备用金',
  cashTaken: '现金收入',
  change: '找零',
  cashRefunds: '现金退款',
  cashIn: '存入',
  cashOut: '取出',
  expected: '应有现金',
  counted: '实点现金',
  difference: '差额',
  notCounted: '未清点',
  open: '进行中',
  closed: '已交班',
  movements: '现金存取',
  kind: '类型',
  amount: '金额',
  reason: '原因',
  user: '操作人',
  time: '时间',
  in: '存入',
  out: '取出',
  unfinishedPayments: '未完成支付',
  orderNo: '订单号',
  outTradeNo: '商户订单号',
  createdAt: '创建时间',
  unsyncedOrders: '未同步订单',
  pendingSince: '等待自',
  dead: '已停止重试',
  yes: '是',
  no: '否',
  none: '无',
  reconciliation: '对账',
  notReconciled: '尚未对账',
  ranAt: '对账时间',
  ranBy: '对账人',
  provider: '渠道',
  status: '状态',
  billRows: '账单行数',
  matchedRows: '已匹配',
  billPayments: '账单收款',
  billRefunds: '账单退款',
  issues: '差异',
  issue: '差异类型',
  local: '本地金额',
  providerAmount: '渠道金额',
  suggestedAction: '建议处理',
  repaired: '已修复',
  noIssues: '无差异',
  fenSuffix: '（分）',
  section: '表',
  tenders: { cash: '现金', wechat: '微信支付', alipay: '支付宝' },
  providers: { wechat: '微信支付', alipay: '支付宝' },
  providerStatus: { matched: '一致', mismatches: '有差异', empty: '无交易', unconfigured: '未配置', failed: '获取账单失败' },
  issueKinds: {
    missing_locally: '渠道已收款，本地无记录',
    not_paid_locally: '渠道已收款，本地未成功',
    missing_at_provider: '本地已收款，账单中没有',
    amount_mismatch: '金额不一致',
    refund_missing_locally: '渠道有退款，本地未成功',
    refund_missing_at_provider: '本地已退款，账单中没有',
    refund_amount_mismatch: '退款金额不一致',
  },
  actions: { repair: '修复（经理授权）', query_provider: '向渠道查询', refund_customer: '退款给顾客', investigate: '人工核查' },
};

const EN: ReportLabels = {
  dayTitle: 'Daily settlement (Z report)',
  shiftTitle: 'Shift report (X)',
  store: 'Store',
  businessDate: 'Business day',
  generatedAt: 'Generated at',
  timeZone: 'Time zone',
  totals: 'Totals',
  gross: 'Gross (list price)',
  lineDiscounts: 'Line discounts',
  orderDiscounts: 'Order discounts',
  coupons: 'Coupons',
  rounding: 'Rounding',
  deliveryFees: 'Delivery fees',
  sales: 'Sales',
  refunds: 'Refunds',
  automaticRefunds: 'of which automatic',
  net: 'Net',
  tax: 'Tax included',
  orderCount: 'Orders',
  refundCount: 'Refund count',
  averageTicket: 'Average ticket',
  itemsSold: 'Items sold',
  byTender: 'By tender',
  tender: 'Tender',
  taken: 'Taken',
  payments: 'Count',
  refunded: 'Refunded',
  byCashier: 'By cashier',
  cashier: 'Cashier',
  automatic: 'Automatic refunds',
  byHour: 'By hour',
  hour: 'Hour',
  orders: 'Orders',
  topProducts: 'Top products',
  sku: 'SKU',
  product: 'Product',
  quantity: 'Quantity',
  cashPerShift: 'Cash per shift',
  shift: 'Shift',
  terminal: 'Terminal',
  state: 'State',
  openedBy: 'Opened by',
  openedAt: 'Opened at',
  closedAt: 'Closed at',
  float: 'Opening float',
  cashTaken: 'Cash taken',
  change: 'Change given',
  cashRefunds: 'Cash refunds',
  cashIn: 'Cash in',
  cashOut: 'Cash out',
  expected: 'Expected',
  counted: 'Counted',
  difference: 'Difference',
  notCounted: 'not counted',
  open: 'open',
  closed: 'closed',
  movements: 'Cash in / out',
  kind: 'Kind',
  amount: 'Amount',
  reason: 'Reason',
  user: 'User',
  time: 'Time',
  in: 'In',
  out: 'Out',
  unfinishedPayments: 'Unfinished payments',
  orderNo: 'Order no.',
  outTradeNo: 'out_trade_no',
  createdAt: 'Created at',
  unsyncedOrders: 'Unsynced orders',
  pendingSince: 'Pending since',
  dead: 'Dead letter',
  yes: 'yes',
  no: 'no',
  none: 'None',
  reconciliation: 'Reconciliation',
  notReconciled: 'Not reconciled yet',
  ranAt: 'Ran at',
  ranBy: 'Ran by',
  provider: 'Provider',
  status: 'Status',
  billRows: 'Bill rows',
  matchedRows: 'Matched',
  billPayments: 'Bill payments',
  billRefunds: 'Bill refunds',
  issues: 'Issues',
  issue: 'Issue',
  local: 'Local',
  providerAmount: 'Provider',
  suggestedAction: 'Suggested action',
  repaired: 'Repaired',
  noIssues: 'No issues',
  fenSuffix: ' (fen)',
  section: 'Table',
  tenders: { cash: 'Cash', wechat: 'WeChat Pay', alipay: 'Alipay' },
  providers: { wechat: 'WeChat Pay', alipay: 'Alipay' },
  providerStatus: { matched: 'matched', mismatches: 'mismatches', empty: 'no transactions', unconfigured: 'not configured', failed: 'bill fetch failed' },
  issueKinds: {
    missing_locally: 'Paid at the provider, no local record',
    not_paid_locally: 'Paid at the provider, not paid here',
    missing_at_provider: 'Paid here, missing from the bill',
    amount_mismatch: 'Amount mismatch',
    refund_missing_locally: 'Refund in the bill, not succeeded here',
    refund_missing_at_provider: 'Refunded here, missing from the bill',
    refund_amount_mismatch: 'Refund amount mismatch',
  },
  actions: { repair: 'Repair (manager approval)', query_provider: 'Query the provider', refund_customer: 'Refund the customer', investigate: 'Investigate' },
};

export function reportLabels(language: ReportLanguage): ReportLabels {
  return language === 'en' ? EN : ZH;
}

/** A suggested-action code in words; an unknown code is shown as it is. */
export function actionText(labels: ReportLabels, code: string): string {
  return labels.actions[code] ?? code;
}
