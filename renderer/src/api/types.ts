import type { ApiOutput, ApiResult, ApiMethodName } from '../../../electron/api/contract';

export type { ApiMethodName, ApiResult };
export type {
  OrderDto,
  PaymentDto,
  ProductDto,
  SessionDto,
  CashPaymentDto,
  OrderLineDto,
  ApiErrorDto,
} from '../../../electron/api/dto';

/** The cart as the core prices it (cart.get / cart.changed). */
export type CartView = ApiOutput<'cart.get'>;
export type CartLineView = CartView['lines'][number];

/**
 * payment.progress payload. Mirrors PaymentProgress in electron/payments/attempts/engine.ts, which the
 * layer rules do not let the renderer import (it is outside electron/api). Keep in step by hand.
 */
export type PaymentStage =
  | 'creating'
  | 'waiting_for_scan'
  | 'customer_paying'
  | 'checking'
  | 'closing'
  | 'reversing'
  | 'paid'
  | 'failed'
  | 'closed'
  | 'reversed'
  | 'late_success_refunding'
  | 'needs_attention';

export interface PaymentProgress {
  orderId: string;
  terminalId: string;
  paymentId: string;
  outTradeNo: string;
  tender: 'wechat' | 'alipay';
  method: 'merchant_qr' | 'customer_code';
  stage: PaymentStage;
  amountFen: number;
  codeUrl?: string;
  expiresAt?: string;
  failure?: { code: string; message: string };
}

/** Events the core pushes to every screen (electron/core/events.ts). */
export interface TillEvents {
  'cart.changed': { terminalId: string; cart: CartView };
  'order.changed': { orderId: string; orderNo: string; state: string; version: number };
  'payment.progress': PaymentProgress;
  'refund.progress': unknown;
  'sync.status': { pending: number; lastSuccessAt: string | null; lastError: string | null };
  'printer.status': { printer: string; ok: boolean; message?: string };
}
export type TillEventName = keyof TillEvents;

/** What the Electron preload exposes. */
export interface TillBridge {
  call(method: string, input: unknown, token: string | null): Promise<ApiResult<unknown>>;
  onEvent(listener: (event: string, payload: unknown) => void): () => void;
  boot?: Record<string, unknown>;
}

declare global {
  interface Window {
    till?: TillBridge;
  }
}
