import type { OrderLineRow, OrderRow, PaymentRow } from '../../db/stores/orders';
import type { UserRow } from '../../db/stores/users';
import type { OrderDetail, RefundRow } from '../checkout/orders';
import type { OrderDto, OrderLineDto, OrderSummaryDto, PaymentDto, RefundDto, UserDto } from './dto';

/** Database rows → API DTOs, in one place so column names never leak to the renderer. */

export function toOrderSummaryDto(order: OrderRow): OrderSummaryDto {
  return {
    id: order.id,
    orderNo: order.order_no,
    businessDate: order.business_date,
    state: order.state,
    cashierId: order.cashier_id,
    totalFen: order.total_fen,
    paidFen: order.paid_fen,
    refundedFen: order.refunded_fen,
    createdAt: order.created_at,
  };
}

/** One order line as the screens and the sync wire both see it. */
export function toOrderLineDto(line: OrderLineRow): OrderLineDto {
  return {
    lineNo: line.line_no,
    productId: line.product_id,
    sku: line.sku,
    barcode: line.barcode,
    name: line.name,
    unit: line.unit,
    soldBy: line.sold_by,
    quantity: line.quantity,
    unitPriceFen: line.unit_price_fen,
    priceOverridden: line.price_overridden === 1,
    originalFen: line.original_fen,
    lineDiscountFen: line.line_discount_fen,
    orderDiscountFen: line.order_discount_fen,
    couponFen: line.coupon_fen,
    roundingFen: line.rounding_fen,
    netFen: line.net_fen,
    taxRateBp: line.tax_rate_bp,
    taxFen: line.tax_fen,
    refundedQuantity: line.refunded_quantity,
  };
}

export function toOrderDto(detail: OrderDetail): OrderDto {
  const { order } = detail;
  return {
    ...toOrderSummaryDto(order),
    storeId: order.store_id,
    terminalId: order.terminal_id,
    seq: order.seq,
    version: order.version,
    customer: { name: order.customer_name, phone: order.customer_phone, memberId: order.member_id },
    price: {
      subtotalFen: order.subtotal_fen,
      lineDiscountFen: order.line_discount_fen,
      orderDiscountFen: order.order_discount_fen,
      couponFen: order.coupon_fen,
      couponCode: order.coupon_code,
      roundingFen: order.rounding_fen,
      roundingRule: order.rounding_rule,
      deliveryFeeFen: order.delivery_fee_fen,
      totalFen: order.total_fen,
      taxFen: order.tax_fen,
      discountApprovedBy: order.discount_approved_by,
    },
    delivery: {
      type: order.delivery_type,
      contact: order.delivery_contact,
      phone: order.delivery_phone,
      address: order.delivery_address,
      note: order.delivery_note,
    },
    changeFen: order.change_fen,
    dueFen: detail.dueFen,
    note: order.note,
    cancelReason: order.cancel_reason,
    paidAt: order.paid_at,
    completedAt: order.completed_at,
    cancelledAt: order.cancelled_at,
    lines: detail.lines.map(toOrderLineDto),
    payments: detail.payments.map(toPaymentDto),
    refunds: detail.refunds.map(toRefundDto),
  };
}

export function toPaymentDto(payment: PaymentRow): PaymentDto {
  return {
    id: payment.id,
    tender: payment.tender,
    method: payment.method,
    outTradeNo: payment.out_trade_no,
    amountFen: payment.amount_fen,
    tenderedFen: payment.tendered_fen,
    changeFen: payment.change_fen,
    state: payment.state,
    providerTradeNo: payment.provider_trade_no,
    failureCode: payment.failure_code,
    failureMessage: payment.failure_message,
    codeUrl: payment.code_url,
    expiresAt: payment.expires_at,
    authCodeTail: payment.auth_code_tail,
    createdAt: payment.created_at,
    succeededAt: payment.succeeded_at,
  };
}

export function toRefundDto(refund: RefundRow): RefundDto {
  return {
    id: refund.id,
    paymentId: refund.payment_id,
    outRefundNo: refund.out_refund_no,
    amountFen: refund.amount_fen,
    reason: refund.reason,
    state: refund.state,
    automatic: refund.automatic === 1,
    failureCode: refund.failure_code,
    createdAt: refund.created_at,
    succeededAt: refund.succeeded_at,
  };
}

export function toUserDto(user: UserRow, nowMs: number): UserDto {
  return {
    id: user.id,
    username: user.username,
    displayName: user.display_name,
    role: user.role,
    active: user.active === 1,
    locked: user.locked_until !== null && Date.parse(user.locked_until) > nowMs,
  };
}
