/** WeChat Pay v3 sandbox: start it, drive it, and wire the real client to it. */
export { startWechatSandbox, type WechatSandbox, type WechatSandboxOptions } from './server';
export type { WechatSandboxControl, ScanAndPayResult } from './control';
export { generateWechatSandboxKeys, generateWechatSandboxPair, wechatClientConfigFor, type WechatSandboxKeys, type ClientConfigOptions } from './keys';
export { DEFAULT_BEHAVIOUR, type WechatSandboxBehaviour, type WechatSandboxBehaviourPatch, type NotificationTamper } from './behaviour';
export { OUTCOME_BY_SUFFIX, authCodeWithSuffix, type CodepayOutcome } from './codepayScripts';
export { RETRY_SCHEDULE_SECONDS, type DeliveryRecord } from './notifier';
export type { FaultSpecInput, SandboxOperation } from './faults';
export type { SandboxTradeView, SandboxRefundView } from './views';
