import type { ApiOutput, ApiResult, ApiMethodName } from '../../../electron/api/contract';
import type { CoreEvents } from '../../../electron/api/events';

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

export type { PaymentProgress, PaymentStage, RefundProgress } from '../../../electron/api/events';

/** Events the core pushes to every screen; the cart arrives as the priced view. */
export type TillEvents = Omit<CoreEvents, 'cart.changed'> & { 'cart.changed': { terminalId: string; cart: CartView } };
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
