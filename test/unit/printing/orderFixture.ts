import type { OrderDto, OrderLineDto, PaymentDto, RefundDto } from '../../../electron/api/dto';
import type { ReceiptContext } from '../../../electron/printing/receiptModel';

/**
 * A paid order priced by the rules in checkout/pricing: subtotal − line discounts − order discount −
 * coupon + delivery − rounding = total, Σ line nets + delivery = total. Amounts in fen.
 */

function line(partial: Partial<OrderLineDto> & Pick<OrderLineDto, 'lineNo' | 'name' | 'quantity' | 'unitPriceFen' | 'originalFen' | 'netFen'>): OrderLineDto {
  return {
    productId: partial.lineNo,
    sku: `SKU${partial.lineNo}`,
    barcode: null,
    unit: '件',
    soldBy: 'unit',
    priceOverridden: false,
    lineDiscountFen: 0,
    orderDiscountFen: 0,
    couponFen: 0,
    roundingFen: 0,
    taxRateBp: 1300,
    taxFen: 0,
    refundedQuantity: 0,
    ...partial,
  };
}

export function payment(partial: Partial<PaymentDto> & Pick<PaymentDto, 'id' | 'tender' | 'amountFen'>): PaymentDto {
  return {
    method: partial.tender === 'cash' ? 'cash' : 'customer_code',
    outTradeNo: null,
    tenderedFen: null,
    changeFen: 0,
    state: 'succeeded',
    providerTradeNo: null,
    failureCode: null,
    failureMessage: null,
    codeUrl: null,
    expiresAt: null,
    authCodeTail: null,
    createdAt: '2025-03-01T02:04:00.000Z',
    succeededAt: '2025-03-01T02:04:05.000Z',
    ...partial,
  };
}

/**
 * Lines: 可口可乐 330ml ×3 @3.50 = 10.50 (line discount 0.50);
 *        散装苹果 0.523kg @12.80/kg = 6.69;
 *        <script>alert("x")</script> & 面包 ×1 @8.00 = 8.00 (6% tax).
 * Subtotal 25.19, line discount 0.50, order discount 1.00, coupon 2.00, delivery 5.00, rounding 0.69 → total 26.00.
 */
export function sampleOrder(payments?: PaymentDto[]): OrderDto {
  const lines = [
    line({ lineNo: 1, name: '可口可乐 330ml', quantity: 3, unitPriceFen: 350, originalFen: 1050, lineDiscountFen: 50, orderDiscountFen: 40, couponFen: 80, roundingFen: 27, netFen: 853, taxFen: 98 }),
    line({ lineNo: 2, name: '散装苹果', soldBy: 'weight', unit: 'kg', quantity: 523, unitPriceFen: 1280, originalFen: 669, orderDiscountFen: 27, couponFen: 53, roundingFen: 19, netFen: 570, taxRateBp: 900, taxFen: 47 }),
    line({ lineNo: 3, name: '<script>alert("x")</script> & 面包', quantity: 1, unitPriceFen: 800, originalFen: 800, orderDiscountFen: 33, couponFen: 67, roundingFen: 23, netFen: 677, taxRateBp: 600, taxFen: 38 }),
  ];
  return {
    id: 'ord_01',
    orderNo: 'S001-20250301-0042',
    businessDate: '2025-03-01',
    state: 'completed',
    cashierId: 'u_cashier',
    totalFen: 2600,
    paidFen: 2600,
    refundedFen: 0,
    createdAt: '2025-03-01T02:03:00.000Z',
    storeId: 'store_1',
    terminalId: 'term_1',
    seq: 42,
    version: 3,
    customer: { name: null, phone: null, memberId: null },
    price: {
      subtotalFen: 2519,
      lineDiscountFen: 50,
      orderDiscountFen: 100,
      couponFen: 200,
      couponCode: 'SPRING2',
      roundingFen: 69,
      roundingRule: 'yuan_down',
      deliveryFeeFen: 500,
      totalFen: 2600,
      taxFen: 183,
      discountApprovedBy: null,
    },
    delivery: { type: 'delivery', contact: null, phone: null, address: null, note: null },
    changeFen: 400,
    dueFen: 0,
    note: null,
    cancelReason: null,
    paidAt: '2025-03-01T02:04:05.000Z',
    completedAt: '2025-03-01T02:04:06.000Z',
    cancelledAt: null,
    lines,
    payments: payments ?? [
      payment({ id: 'pay_1', tender: 'wechat', amountFen: 1000, outTradeNo: 'T1S001202503010042A1', providerTradeNo: '4200001234202503011234567890', authCodeTail: '8841' }),
      payment({ id: 'pay_2', tender: 'cash', amountFen: 1600, tenderedFen: 2000, changeFen: 400 }),
      payment({ id: 'pay_x', tender: 'alipay', amountFen: 1000, state: 'failed', outTradeNo: 'FAILED-ATTEMPT' }),
    ],
    refunds: [],
  };
}

export function sampleRefund(partial: Partial<RefundDto> = {}): RefundDto {
  return {
    id: 'ref_1',
    paymentId: 'pay_1',
    outRefundNo: 'R1S001202503010042A1',
    amountFen: 853,
    reason: '商品破损 <b>',
    state: 'succeeded',
    automatic: false,
    failureCode: null,
    createdAt: '2025-03-01T06:10:00.000Z',
    succeededAt: '2025-03-01T06:10:02.000Z',
    ...partial,
  };
}

export function context(language: ReceiptContext['language'] = 'zh-CN'): ReceiptContext {
  return {
    store: { name: '鲜果小超市（人民路店）', address: '上海市黄浦区人民路 100 号', phone: '021-12345678', timezone: 'Asia/Shanghai' },
    terminal: { code: 'T1', name: '1号收银台' },
    cashier: { displayName: '张三' },
    language,
  };
}
