export { AlipayClient, createAlipayClient, ALIPAY_METHODS, type AlipayClientDeps } from './client';
export {
  alipayConfigSchema,
  loadAlipayConfig,
  ALIPAY_GATEWAY_ENV,
  DEFAULT_ALIPAY_GATEWAY,
  type AlipayConfig,
  type AlipayConfigInput,
} from './config';
export { parseAlipayBillZip, parseAlipayDetailCsv } from './bill';
export { yuanToFen, fenToYuan } from './yuan';
