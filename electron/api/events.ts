/**
 * The events the core pushes to every screen, as the renderer may see them: type-only re-exports,
 * so the layer rules (the renderer imports only electron/api, and only types) hold without a hand
 * copy of the payloads drifting out of step with the engines that emit them.
 */
export type { PaymentProgress, PaymentStage } from '../payments/attempts/engine';
export type { RefundProgress } from '../payments/refunds/refundEngine';
export type { CoreEvents, CoreEventName } from '../core/events';
