/** WeChat Pay API v3 client: the public surface used by payments/ and the sandbox wiring. */
export { WechatPayClient, createWechatPayClient, type WechatPayClientDeps, type WechatTradeBill, type CreateWechatPayClientOptions } from './client';
export { resolveWechatPayConfig, wechatPayConfigSchema, DEFAULT_WECHATPAY_BASE_URL, BASE_URL_ENV, type WechatPayConfigInput, type ResolvedWechatPayConfig } from './config';
export { parseWechatTradeBill, openBillFile, yuanToFen, type WechatBillRow, type WechatBillSummary, type ParsedWechatBill } from './bill';
export { verifyWechatSignature, type WechatVerificationKeys } from './verify';
