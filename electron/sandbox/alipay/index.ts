/** Alipay OpenAPI v2 sandbox: start it, drive it, and wire the real client to it. */
export { startAlipaySandbox, type AlipaySandbox, type AlipaySandboxOptions } from './server';
export type { AlipaySandboxControl, ScanAndPayResult, ControlResult } from './control';
export { generateAlipaySandboxKeys, generateAlipaySandboxPair, alipayClientConfigFor, type AlipaySandboxKeys, type ClientConfigOptions } from './keys';
export { DEFAULT_BEHAVIOUR, type AlipaySandboxBehaviour, type AlipaySandboxBehaviourPatch, type NotificationTamper } from './behaviour';
export { OUTCOME_BY_SUFFIX, authCodeWithSuffix, authCodeFor, type PayOutcome } from './authCodes';
export { RETRY_SCHEDULE_SECONDS, type DeliveryRecord } from './notifier';
export type { FaultSpecInput, SandboxOperation } from './faults';
export type { SandboxTradeView, SandboxRefundView } from './views';
export { tradeBillZip, zipWithGbkNames } from './bill';
