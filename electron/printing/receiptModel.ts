import type { OrderDto, OrderLineDto, PaymentDto, RefundDto } from '../api/dto';
import { fenToYuanString, formatFen } from '../checkout/money';

/**
 * One receipt model, built once from an order (or a refund of it) and rendered by html.ts (screen,
 * system printer, PDF) and escpos.ts (thermal printers). Every label is already in the receipt's
 * language and every amount is kept as integer fen next to its text, so the renderers never do
 * arithmetic and never format money themselves.
 */

export type ReceiptLanguage = 'zh-CN' | 'en';

export interface ReceiptContext {
  store: { name: string; address?: string | null; phone?: string | null; timezone: string };
  terminal: { code: string; name?: string | null };
  cashier: { displayName: string };
  language: ReceiptLanguage;
  /** Replaces the default thank-you line; may contain newlines. */
  footer?: string | null;
  /** Marks the receipt as a reprint (重打) with the time it was printed. */
  reprintAt?: Date | null;
}

export interface ReceiptField {
  label: string;
  value: string;
}

export interface ReceiptItem {
  lineNo: number;
  name: string;
  /** '3' for units, '0.523kg' for weighed goods; negative on a refund receipt. */
  quantityText: string;
  /** '¥3.50' or '¥12.80/kg'. */
  unitPriceText: string;
  unitPriceFen: number;
  /** Amount before the line discount (originalFen); null when not known (refund lines). */
  totalFen: number | null;
  totalText: string | null;
  /** The line discount as a negative amount, or null when there is none. */
  discountFen: number | null;
  discountText: string | null;
}

export interface ReceiptAmountRow {
  key: 'subtotal' | 'lineDiscount' | 'orderDiscount' | 'coupon' | 'rounding' | 'deliveryFee' | 'total' | 'refundTotal';
  label: string;
  /** Signed as it affects the total: deductions are negative. */
  amountFen: number;
  text: string;
}

export interface ReceiptTaxRow {
  rateBp: number;
  label: string;
  taxFen: number;
  text: string;
}

export interface ReceiptTender {
  tender: PaymentDto['tender'];
  label: string;
  amountFen: number;
  amountText: string;
  /** Cash only (sale receipts). */
  tendered: ReceiptField | null;
  change: ReceiptField | null;
  /** Masked provider transaction number, customer code tail, refund number… */
  details: ReceiptField[];
}

export interface ReceiptModel {
  kind: 'sale' | 'refund';
  language: ReceiptLanguage;
  title: string;
  store: { name: string; address: string | null; phone: string | null };
  /** The store's address and phone, labelled ('地址：…', 'Tel: …'), for under the name. */
  storeLines: string[];
  orderNo: string;
  /** yyyy-MM-dd HH:mm:ss in the store's time zone. */
  dateTime: string;
  /** Order number, time, cashier, terminal (+ original order and reason on a refund). */
  meta: ReceiptField[];
  columns: { name: string; quantity: string; unitPrice: string; amount: string; discount: string };
  items: ReceiptItem[];
  /** Subtotal and the adjustments between it and the total, in the order they apply. */
  adjustments: ReceiptAmountRow[];
  total: ReceiptAmountRow;
  taxes: ReceiptTaxRow[];
  tenders: ReceiptTender[];
  tendersTitle: string;
  /** Merchant references (out_trade_no / out_refund_no) for a refund or a dispute. */
  references: ReceiptField[];
  referencesTitle: string;
  qrPayload: string;
  qrCaption: string;
  footer: string[];
  /** True when any tender is cash: escpos.ts kicks the drawer for these by default. */
  hasCash: boolean;
}

type Labels = Record<
  | 'saleTitle' | 'refundTitle' | 'reprint' | 'orderNo' | 'originalOrderNo' | 'time' | 'refundTime' | 'cashier' | 'terminal'
  | 'reason' | 'refundState' | 'refundPending' | 'colName' | 'colQty' | 'colPrice' | 'colAmount' | 'lineDiscount'
  | 'subtotal' | 'lineDiscounts' | 'orderDiscount' | 'coupon' | 'rounding' | 'deliveryFee' | 'total' | 'refundTotal'
  | 'taxIncluded' | 'tenders' | 'refundTenders' | 'cash' | 'wechat' | 'alipay' | 'tendered' | 'change' | 'transactionNo'
  | 'codeTail' | 'outTradeNo' | 'outRefundNo' | 'references' | 'qrCaption' | 'footer' | 'refundFooter' | 'address' | 'phone',
  string
>;

const LABELS: Readonly<Record<ReceiptLanguage, Labels>> = {
  'zh-CN': {
    saleTitle: '销售小票',
    refundTitle: '退款单',
    reprint: '重打',
    orderNo: '单号',
    originalOrderNo: '原单号',
    time: '时间',
    refundTime: '退款时间',
    cashier: '收银员',
    terminal: '收银台',
    reason: '退款原因',
    refundState: '退款状态',
    refundPending: '处理中',
    colName: '品名',
    colQty: '数量',
    colPrice: '单价',
    colAmount: '金额',
    lineDiscount: '优惠',
    subtotal: '商品合计',
    lineDiscounts: '单品优惠',
    orderDiscount: '整单优惠',
    coupon: '优惠券',
    rounding: '抹零',
    deliveryFee: '配送费',
    total: '应付',
    refundTotal: '退款金额',
    taxIncluded: '含税',
    tenders: '支付方式',
    refundTenders: '退回至',
    cash: '现金',
    wechat: '微信支付',
    alipay: '支付宝',
    tendered: '实收',
    change: '找零',
    transactionNo: '交易单号',
    codeTail: '付款码尾号',
    outTradeNo: '商户单号',
    outRefundNo: '退款单号',
    references: '支付凭证',
    qrCaption: '扫码查询订单',
    footer: '谢谢惠顾，欢迎再次光临',
    refundFooter: '退款将原路退回，请留存此单',
    address: '地址',
    phone: '电话',
  },
  en: {
    saleTitle: 'Sales receipt',
    refundTitle: 'REFUND',
    reprint: 'Reprint',
    orderNo: 'Order',
    originalOrderNo: 'Original order',
    time: 'Time',
    refundTime: 'Refund time',
    cashier: 'Cashier',
    terminal: 'Till',
    reason: 'Reason',
    refundState: 'Refund status',
    refundPending: 'processing',
    colName: 'Item',
    colQty: 'Qty',
    colPrice: 'Price',
    colAmount: 'Amount',
    lineDiscount: 'Discount',
    subtotal: 'Subtotal',
    lineDiscounts: 'Item discounts',
    orderDiscount: 'Order discount',
    coupon: 'Coupon',
    rounding: 'Rounding',
    deliveryFee: 'Delivery fee',
    total: 'Total',
    refundTotal: 'Refund total',
    taxIncluded: 'Incl. tax',
    tenders: 'Payment',
    refundTenders: 'Refunded to',
    cash: 'Cash',
    wechat: 'WeChat Pay',
    alipay: 'Alipay',
    tendered: 'Tendered',
    change: 'Change',
    transactionNo: 'Transaction',
    codeTail: 'Payment code ending',
    outTradeNo: 'Merchant ref',
    outRefundNo: 'Refund ref',
    references: 'Payment references',
    qrCaption: 'Scan to look up this order',
    footer: 'Thank you for shopping with us',
    refundFooter: 'Refunds go back to the original payment; keep this slip',
    address: 'Address',
    phone: 'Tel',
  },
};

export function receiptLabels(language: ReceiptLanguage): Readonly<Labels> {
  return LABELS[language];
}

const GRAMS_PER_KG = 1000;

/** 523 → '0.523kg', 1500 → '1.500kg'; integer arithmetic, no floats. */
export function formatWeightGrams(grams: number): string {
  if (!Number.isSafeInteger(grams)) throw new RangeError(`Weight must be an integer number of grams, got ${String(grams)}`);
  const sign = grams < 0 ? '-' : '';
  const magnitude = Math.abs(grams);
  return `${sign}${Math.floor(magnitude / GRAMS_PER_KG)}.${String(magnitude % GRAMS_PER_KG).padStart(3, '0')}kg`;
}

/** 1300 → '13%', 650 → '6.5%', 1 → '0.01%'. */
export function formatRateBp(bp: number): string {
  if (!Number.isSafeInteger(bp) || bp < 0) throw new RangeError(`Tax rate must be a non-negative integer of basis points, got ${String(bp)}`);
  const whole = Math.floor(bp / 100);
  const fraction = String(bp % 100).padStart(2, '0').replace(/0+$/, '');
  return fraction === '' ? `${whole}%` : `${whole}.${fraction}%`;
}

/**
 * Keeps the first four and last four characters: enough to match a customer's WeChat/Alipay bill
 * line, not enough to be a usable reference for anyone who picks the receipt out of the bin.
 */
export function maskReference(value: string): string {
  if (value.length <= 8) return value.length <= 4 ? value : `${'*'.repeat(value.length - 4)}${value.slice(-4)}`;
  return `${value.slice(0, 4)}${'*'.repeat(Math.min(8, value.length - 8))}${value.slice(-4)}`;
}

/** yyyy-MM-dd HH:mm:ss of an ISO instant in an IANA time zone. */
export function formatStoreDateTime(iso: string | Date, timeZone: string): string {
  const date = typeof iso === 'string' ? new Date(iso) : iso;
  if (Number.isNaN(date.getTime())) throw new RangeError(`Not a date: ${String(iso)}`);
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? '00';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}:${part('second')}`;
}

function quantityText(line: Pick<OrderLineDto, 'soldBy'>, quantity: number): string {
  return line.soldBy === 'weight' ? formatWeightGrams(quantity) : String(quantity);
}

function unitPriceText(line: OrderLineDto): string {
  return line.soldBy === 'weight' ? `${formatFen(line.unitPriceFen)}/kg` : formatFen(line.unitPriceFen);
}

function tenderLabel(labels: Labels, tender: PaymentDto['tender']): string {
  return tender === 'cash' ? labels.cash : tender === 'wechat' ? labels.wechat : labels.alipay;
}

function header(ctx: ReceiptContext): ReceiptModel['store'] {
  return { name: ctx.store.name, address: ctx.store.address ?? null, phone: ctx.store.phone ?? null };
}

function storeLines(labels: Labels, ctx: ReceiptContext): string[] {
  const sep = ctx.language === 'zh-CN' ? '：' : ': ';
  const lines: string[] = [];
  if (ctx.store.address) lines.push(`${labels.address}${sep}${ctx.store.address}`);
  if (ctx.store.phone) lines.push(`${labels.phone}${sep}${ctx.store.phone}`);
  return lines;
}

function commonMeta(labels: Labels, ctx: ReceiptContext): ReceiptField[] {
  const meta: ReceiptField[] = [{ label: labels.cashier, value: ctx.cashier.displayName }];
  meta.push({ label: labels.terminal, value: ctx.terminal.name ? `${ctx.terminal.name} (${ctx.terminal.code})` : ctx.terminal.code });
  if (ctx.reprintAt) meta.push({ label: labels.reprint, value: formatStoreDateTime(ctx.reprintAt, ctx.store.timezone) });
  return meta;
}

function footerLines(text: string | null | undefined, fallback: string): string[] {
  return (text ?? fallback).split(/\r?\n/).filter((line) => line.trim() !== '');
}

function columns(labels: Labels): ReceiptModel['columns'] {
  return { name: labels.colName, quantity: labels.colQty, unitPrice: labels.colPrice, amount: labels.colAmount, discount: labels.lineDiscount };
}

/** The receipt for a paid order. Only succeeded payments are listed as tenders. */
export function buildSaleReceipt(order: OrderDto, ctx: ReceiptContext): ReceiptModel {
  const labels = LABELS[ctx.language];
  const p = order.price;
  const items: ReceiptItem[] = order.lines.map((line) => ({
    lineNo: line.lineNo,
    name: line.name,
    quantityText: quantityText(line, line.quantity),
    unitPriceText: unitPriceText(line),
    unitPriceFen: line.unitPriceFen,
    totalFen: line.originalFen,
    totalText: formatFen(line.originalFen),
    discountFen: line.lineDiscountFen > 0 ? -line.lineDiscountFen : null,
    discountText: line.lineDiscountFen > 0 ? formatFen(-line.lineDiscountFen) : null,
  }));

  const row = (key: ReceiptAmountRow['key'], label: string, amountFen: number): ReceiptAmountRow => ({
    key,
    label,
    amountFen,
    text: formatFen(amountFen),
  });
  // subtotal − line discounts − order discount − coupon + delivery − rounding = total (pricing/types.ts).
  const adjustments: ReceiptAmountRow[] = [row('subtotal', labels.subtotal, p.subtotalFen)];
  if (p.lineDiscountFen !== 0) adjustments.push(row('lineDiscount', labels.lineDiscounts, -p.lineDiscountFen));
  if (p.orderDiscountFen !== 0) adjustments.push(row('orderDiscount', labels.orderDiscount, -p.orderDiscountFen));
  if (p.couponFen !== 0) {
    adjustments.push(row('coupon', p.couponCode ? `${labels.coupon} ${p.couponCode}` : labels.coupon, -p.couponFen));
  }
  if (p.deliveryFeeFen !== 0) adjustments.push(row('deliveryFee', labels.deliveryFee, p.deliveryFeeFen));
  if (p.roundingFen !== 0) adjustments.push(row('rounding', labels.rounding, -p.roundingFen));

  const taxByRate = new Map<number, number>();
  for (const line of order.lines) {
    if (line.taxRateBp > 0) taxByRate.set(line.taxRateBp, (taxByRate.get(line.taxRateBp) ?? 0) + line.taxFen);
  }
  const taxes: ReceiptTaxRow[] = [...taxByRate.entries()]
    .sort(([a], [b]) => a - b)
    .map(([rateBp, taxFen]) => ({ rateBp, label: `${labels.taxIncluded} ${formatRateBp(rateBp)}`, taxFen, text: formatFen(taxFen) }));

  const paid = order.payments.filter((payment) => payment.state === 'succeeded');
  const tenders: ReceiptTender[] = paid.map((payment) => {
    const details: ReceiptField[] = [];
    if (payment.tender !== 'cash') {
      if (payment.providerTradeNo) details.push({ label: labels.transactionNo, value: maskReference(payment.providerTradeNo) });
      if (payment.authCodeTail) details.push({ label: labels.codeTail, value: payment.authCodeTail });
    }
    const cash = payment.tender === 'cash';
    return {
      tender: payment.tender,
      label: tenderLabel(labels, payment.tender),
      amountFen: payment.amountFen,
      amountText: formatFen(payment.amountFen),
      tendered: cash ? { label: labels.tendered, value: formatFen(payment.tenderedFen ?? payment.amountFen) } : null,
      change: cash ? { label: labels.change, value: formatFen(payment.changeFen) } : null,
      details,
    };
  });
  const references: ReceiptField[] = paid
    .filter((payment) => payment.tender !== 'cash' && payment.outTradeNo)
    .map((payment) => ({ label: `${tenderLabel(labels, payment.tender)} ${labels.outTradeNo}`, value: payment.outTradeNo ?? '' }));

  const dateTime = formatStoreDateTime(order.completedAt ?? order.paidAt ?? order.createdAt, ctx.store.timezone);
  return {
    kind: 'sale',
    language: ctx.language,
    title: labels.saleTitle,
    store: header(ctx),
    storeLines: storeLines(labels, ctx),
    orderNo: order.orderNo,
    dateTime,
    meta: [{ label: labels.orderNo, value: order.orderNo }, { label: labels.time, value: dateTime }, ...commonMeta(labels, ctx)],
    columns: columns(labels),
    items,
    adjustments,
    total: row('total', labels.total, p.totalFen),
    taxes,
    tenders,
    tendersTitle: labels.tenders,
    references,
    referencesTitle: labels.references,
    qrPayload: order.orderNo,
    qrCaption: labels.qrCaption,
    footer: footerLines(ctx.footer, labels.footer),
    hasCash: tenders.some((tender) => tender.tender === 'cash'),
  };
}

export interface RefundReceiptInput {
  /** One refund, or several issued together (a split-tender refund has one per payment). */
  refunds: RefundDto | RefundDto[];
  /** Which lines were returned and how many (units or grams); omitted when the refund is by amount only. */
  lines?: { lineNo: number; quantity: number }[];
  /** The refund slip's own number, if the caller has one; otherwise the original order number is used for the QR. */
  refundNo?: string | null;
}

/** The slip for a refund of `order`: amounts negative, the original order number and the reason. */
export function buildRefundReceipt(order: OrderDto, input: RefundReceiptInput, ctx: ReceiptContext): ReceiptModel {
  const labels = LABELS[ctx.language];
  const refunds = Array.isArray(input.refunds) ? input.refunds : [input.refunds];
  if (refunds.length === 0) throw new RangeError('buildRefundReceipt: no refunds given');

  const linesByNo = new Map(order.lines.map((line) => [line.lineNo, line]));
  const items: ReceiptItem[] = (input.lines ?? []).flatMap((returned) => {
    const line = linesByNo.get(returned.lineNo);
    if (!line) return [];
    return [
      {
        lineNo: line.lineNo,
        name: line.name,
        quantityText: quantityText(line, -Math.abs(returned.quantity)),
        unitPriceText: unitPriceText(line),
        unitPriceFen: line.unitPriceFen,
        // The refunded amount is per payment, not per line, so no line amount is invented here.
        totalFen: null,
        totalText: null,
        discountFen: null,
        discountText: null,
      },
    ];
  });

  const refundedFen = refunds.reduce((sum, refund) => sum + refund.amountFen, 0);
  const paymentsById = new Map(order.payments.map((payment) => [payment.id, payment]));
  const tenders: ReceiptTender[] = refunds.map((refund) => {
    const payment = paymentsById.get(refund.paymentId);
    const tender = payment?.tender ?? 'cash';
    const details: ReceiptField[] = [];
    if (payment && payment.tender !== 'cash' && payment.providerTradeNo) {
      details.push({ label: labels.transactionNo, value: maskReference(payment.providerTradeNo) });
    }
    if (refund.state !== 'succeeded') details.push({ label: labels.refundState, value: labels.refundPending });
    return {
      tender,
      label: tenderLabel(labels, tender),
      amountFen: -refund.amountFen,
      amountText: formatFen(-refund.amountFen),
      tendered: null,
      change: null,
      details,
    };
  });
  const references: ReceiptField[] = refunds.map((refund) => ({ label: labels.outRefundNo, value: refund.outRefundNo }));

  const reasons = [...new Set(refunds.map((refund) => refund.reason).filter((reason): reason is string => !!reason))];
  const latest = refunds.map((refund) => refund.succeededAt ?? refund.createdAt).sort().at(-1) ?? refunds[0]!.createdAt;
  const dateTime = formatStoreDateTime(latest, ctx.store.timezone);
  const meta: ReceiptField[] = [
    { label: labels.originalOrderNo, value: order.orderNo },
    { label: labels.refundTime, value: dateTime },
  ];
  if (reasons.length > 0) meta.push({ label: labels.reason, value: reasons.join('; ') });
  meta.push(...commonMeta(labels, ctx));

  return {
    kind: 'refund',
    language: ctx.language,
    title: labels.refundTitle,
    store: header(ctx),
    storeLines: storeLines(labels, ctx),
    orderNo: order.orderNo,
    dateTime,
    meta,
    columns: columns(labels),
    items,
    adjustments: [],
    total: { key: 'refundTotal', label: labels.refundTotal, amountFen: -refundedFen, text: formatFen(-refundedFen) },
    taxes: [],
    tenders,
    tendersTitle: labels.refundTenders,
    references,
    referencesTitle: labels.references,
    qrPayload: input.refundNo ?? order.orderNo,
    qrCaption: labels.qrCaption,
    footer: footerLines(ctx.footer, labels.refundFooter),
    hasCash: tenders.some((tender) => tender.tender === 'cash'),
  };
}

/** Plain amount without the currency sign ('12.34'), for narrow printer columns. */
export function plainAmount(fen: number): string {
  return fenToYuanString(fen);
}
