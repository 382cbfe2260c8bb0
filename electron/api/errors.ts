/**
 * Every error that can reach the UI: a stable code, a message in zh-CN and English, and details.
 * Messages are templates; `{name}` is filled from the details so the UI never shows a stack trace
 * and never has to build a sentence itself.
 */

interface Messages {
  zh: string;
  en: string;
}

export const ERROR_MESSAGES = {
  // input and protocol
  VALIDATION_FAILED: { zh: '输入无效：{summary}', en: 'Invalid input: {summary}' },
  UNKNOWN_METHOD: { zh: '未知的操作：{method}', en: 'Unknown operation: {method}' },
  INTERNAL: { zh: '内部错误，请重试或联系管理员（{ref}）', en: 'Internal error, please retry or call a manager ({ref})' },
  // sessions and roles
  NOT_LOGGED_IN: { zh: '请先登录', en: 'Please log in first' },
  SESSION_EXPIRED: { zh: '登录已过期，请重新登录', en: 'Your session has expired, please log in again' },
  WRONG_PIN: { zh: '用户名或 PIN 错误，还可尝试 {remaining} 次', en: 'Wrong user or PIN; {remaining} attempts left' },
  USER_LOCKED: { zh: '尝试次数过多，账户已锁定至 {until}', en: 'Too many attempts; account locked until {until}' },
  USER_INACTIVE: { zh: '该用户已停用', en: 'This user is disabled' },
  FORBIDDEN: { zh: '权限不足：需要{roleZh}权限', en: 'Not allowed: needs the {role} role' },
  APPROVAL_REQUIRED: { zh: '此操作需要店长授权', en: 'This needs a manager’s approval' },
  APPROVAL_INVALID: { zh: '授权失败：店长 PIN 错误或无权限', en: 'Approval failed: wrong manager PIN or not a manager' },
  // catalog
  PRODUCT_NOT_FOUND: { zh: '未找到商品：{query}', en: 'Product not found: {query}' },
  PRODUCT_INACTIVE: { zh: '商品已停售：{name}', en: 'Product is no longer sold: {name}' },
  BARCODE_INVALID: { zh: '条码无效：{barcode}', en: 'Invalid barcode: {barcode}' },
  PRODUCT_NEEDS_WEIGHT: { zh: '称重商品，请过秤后扫描秤签：{name}', en: 'Sold by weight: weigh it and scan the scale label: {name}' },
  CATALOG_IMPORT_FAILED: { zh: '商品导入失败：{reasonZh}', en: 'Catalog import failed: {reason}' },
  // cart and pricing
  CART_EMPTY: { zh: '购物车为空', en: 'The cart is empty' },
  CART_LINE_NOT_FOUND: { zh: '购物车中没有这一行', en: 'That cart line does not exist' },
  QUANTITY_INVALID: { zh: '数量无效：{quantity}', en: 'Invalid quantity: {quantity}' },
  PRICE_INVALID: { zh: '价格无效：{price}', en: 'Invalid price: {price}' },
  DISCOUNT_INVALID: { zh: '折扣无效：{reason}', en: 'Invalid discount: {reason}' },
  CART_TOO_LARGE: { zh: '购物车行数超过上限 {max}', en: 'The cart has more than {max} lines' },
  AMOUNT_TOO_LARGE: { zh: '金额超出上限', en: 'The amount is too large' },
  // orders
  ORDER_NOT_FOUND: { zh: '未找到订单：{orderId}', en: 'Order not found: {orderId}' },
  ILLEGAL_TRANSITION: {
    zh: '订单状态不允许此操作：{fromZh} → {toZh}',
    en: 'The order cannot go from {from} to {to}',
  },
  ORDER_CHANGED: { zh: '订单已被其他操作修改，请刷新', en: 'The order was changed elsewhere; please refresh' },
  PAYMENT_INSUFFICIENT: { zh: '实收金额不足：应收 {due}', en: 'Not enough tendered: {due} due' },
  PAYMENT_IN_PROGRESS: { zh: '订单有正在进行的支付，请先完成或取消支付', en: 'A payment is in progress for this order; finish or cancel it first' },
  PAYMENT_EXCEEDS_DUE: { zh: '支付金额超过待付金额 {due}', en: 'The payment is more than the {due} still due' },
  // payments
  PAYMENT_CODE_INVALID: { zh: '无法识别的付款码（尾号 {tail}），请让顾客刷新后重扫', en: 'Unrecognised payment code (ending {tail}); ask the customer to refresh and scan again' },
  PAYMENT_NOT_FOUND: { zh: '未找到支付记录：{paymentId}', en: 'Payment not found: {paymentId}' },
  SANDBOX_ONLY: { zh: '仅在沙箱（演示）模式下可用', en: 'Only available in sandbox (demo) mode' },
  PROVIDER_NOT_CONFIGURED: { zh: '未配置支付渠道：{provider}', en: 'Payment provider not configured: {provider}' },
  // payments.testConnection (the manager's "Test connection" button)
  PROVIDER_CONFIG_INVALID: { zh: '{providerZh}配置无效：{reason}', en: 'The {provider} configuration is invalid: {reason}' },
  PROVIDER_UNREACHABLE: { zh: '无法连接{providerZh}（{host}）：{reasonZh}', en: 'Cannot reach {provider} ({host}): {reason}' },
  PROVIDER_TIMEOUT: { zh: '{providerZh}（{host}）没有在规定时间内应答，请检查网络', en: '{provider} ({host}) did not answer in time; check the network' },
  PROVIDER_AUTH_FAILED: {
    zh: '{providerZh}拒绝了本机的请求（{code}）：请检查商户号/应用 ID、证书序列号和商户私钥',
    en: '{provider} refused our request ({code}): check the merchant or app id, the certificate serial and the private key',
  },
  PROVIDER_SIGNATURE_INVALID: {
    zh: '{providerZh}的应答签名验证失败（{code}）：请检查平台公钥或平台证书',
    en: 'The answer from {provider} failed signature verification ({code}): check the provider public key or platform certificates',
  },
  PROVIDER_UNEXPECTED_ANSWER: { zh: '{providerZh}返回了意外的应答（{code}）', en: '{provider} gave an unexpected answer ({code})' },
  REFUND_NOT_ALLOWED: { zh: '无法退款：{reason}', en: 'Cannot refund: {reason}' },
  REFUND_EXCEEDS_PAID: { zh: '退款金额超过可退金额 {refundable}', en: 'The refund is more than the {refundable} that can be refunded' },
  // printing
  PRINTER_UNREACHABLE: { zh: '无法连接打印机 {address}：{reasonZh}', en: 'Cannot reach the printer at {address}: {reason}' },
  PRINTER_TIMEOUT: { zh: '打印机 {address} 无响应（{phaseZh}超时 {timeoutMs} 毫秒）', en: 'The printer at {address} did not respond ({phase} timed out after {timeoutMs} ms)' },
  PRINTER_NOT_CONFIGURED: { zh: '尚未设置小票打印机', en: 'No receipt printer is set up' },
  PRINTER_SYSTEM_UNAVAILABLE: {
    zh: '系统打印机只能在桌面版中使用；浏览器模式请设置网络打印机',
    en: 'The system printer is only available in the desktop app; in the browser host set up a network printer',
  },
  // background sync (electron/sync/): the status bar's last error and the enrolment's answers
  SYNC_OFF: { zh: '云同步未开启（未设置云端地址）', en: 'Cloud sync is off (no cloud URL is set)' },
  SYNC_NOT_ENROLLED: { zh: '本机尚未在云端登记，请店主用一次性登记码登记', en: 'This till is not enrolled with the cloud yet; an owner enrols it with a one-time code' },
  SYNC_NO_VAULT: { zh: '本机无法加密保存同步密钥，不能登记', en: 'This machine cannot keep the sync secret encrypted, so it cannot be enrolled' },
  SYNC_UNREACHABLE: { zh: '无法连接云端（{host}）：{reason}', en: 'Cannot reach the cloud ({host}): {reason}' },
  SYNC_TIMEOUT: { zh: '云端（{host}）没有在 {timeoutMs} 毫秒内应答', en: 'The cloud ({host}) did not answer within {timeoutMs} ms' },
  SYNC_AUTH_REFUSED: {
    zh: '云端拒绝了本机的凭据（HTTP {status}，{code}）：终端可能已被停用，请检查时钟或重新登记',
    en: 'The cloud refused this till’s credentials (HTTP {status}, {code}): the terminal may have been revoked; check the clock or enrol again',
  },
  SYNC_THROTTLED: { zh: '云端繁忙（HTTP {status}），{retryAfterS} 秒后重试', en: 'The cloud is busy (HTTP {status}); retrying in {retryAfterS} s' },
  SYNC_CLOUD_ERROR: { zh: '云端出错（HTTP {status}，{code}）：{reasonZh}', en: 'The cloud failed (HTTP {status}, {code}): {reason}' },
  SYNC_CLOUD_REFUSED: { zh: '云端拒收请求（HTTP {status}，{code}）：{reasonZh}', en: 'The cloud refused the request (HTTP {status}, {code}): {reason}' },
  SYNC_BAD_RESPONSE: { zh: '无法识别云端的应答：{reason}', en: 'The cloud’s answer could not be understood: {reason}' },
  SYNC_ORDER_REJECTED: { zh: '云端拒收订单 {orderNo}（{code}）：{reasonZh}', en: 'The cloud rejected order {orderNo} ({code}): {reason}' },
  SYNC_SNAPSHOT_INVALID: { zh: '订单 {orderNo} 无法生成同步数据：{reason}', en: 'Order {orderNo} cannot be packaged for sync: {reason}' },
  SYNC_POISON: {
    zh: '订单 {orderNo} 单独发送 {strikes} 次均失败（其他订单正常），已移入死信：{reasonZh}',
    en: 'Order {orderNo} failed {strikes} times on its own while other orders went through; moved to the dead letters: {reason}',
  },
  SYNC_ENROL_REFUSED: { zh: '登记失败（HTTP {status}，{code}）：{reasonZh}', en: 'Enrolment failed (HTTP {status}, {code}): {reason}' },
  SYNC_ENROL_STORE_MISMATCH: {
    zh: '登记码属于门店 {cloudStore}，本机属于门店 {localStore}',
    en: 'The enrolment code belongs to store {cloudStore}; this till belongs to store {localStore}',
  },
  SYNC_DEAD_LETTER_NOT_FOUND: { zh: '没有这笔待处理的死信：{orderId}', en: 'No dead letter for order {orderId}' },
  // shifts and the cash drawer
  SHIFT_NOT_OPEN: { zh: '本终端尚未开班，请店长先开班', en: 'No shift is open on this till; a manager must open one first' },
  SHIFT_ALREADY_OPEN: { zh: '本终端已有未结班的班次（{openedAt} 开班），请先结班', en: 'A shift is already open on this till (opened {openedAt}); close it first' },
  SHIFT_NOT_FOUND: { zh: '未找到班次：{shiftId}', en: 'Shift not found: {shiftId}' },
  SHIFT_COUNT_MISMATCH: {
    zh: '点钞合计 {countedTotal} 与填写的总额 {givenTotal} 不一致',
    en: 'The denominations add up to {countedTotal}, not the {givenTotal} entered',
  },
  SHIFT_COUNT_INVALID: { zh: '点钞无效：{reasonZh}', en: 'Invalid cash count: {reason}' },
  // reconciliation (对账) against the providers' trade bills (electron/reports/reconcile.ts)
  RECONCILIATION_TOO_EARLY: {
    zh: '{date} 的对账单尚未生成：渠道账单次日（T+1）{availableFrom} 后才可下载',
    en: 'The bills for {date} are not ready yet: providers publish them the next day (T+1), from {availableFrom}',
  },
  RECONCILIATION_BILL_NOT_READY: { zh: '{providerZh}账单仍在生成中（{code}），请稍后重试', en: 'The {provider} bill is still being generated ({code}); try again later' },
  RECONCILIATION_BILL_FAILED: {
    zh: '无法下载{providerZh}账单（{code}）：{reason}',
    en: 'The {provider} bill could not be downloaded ({code}): {reason}',
  },
  RECONCILIATION_ISSUE_NOT_FOUND: { zh: '未找到对账差异：{issueId}', en: 'Reconciliation issue not found: {issueId}' },
  RECONCILIATION_NOT_REPAIRABLE: {
    zh: '此对账差异（{kindZh}）不能自动修复，请按建议人工处理',
    en: 'This reconciliation issue ({kind}) cannot be repaired automatically; follow the suggested action',
  },
  RECONCILIATION_ALREADY_REPAIRED: { zh: '此对账差异已于 {repairedAt} 修复', en: 'This reconciliation issue was already repaired at {repairedAt}' },
  RECONCILIATION_NOT_CONFIRMED: {
    zh: '{providerZh}查询结果为「{providerState}」，未确认支付成功，未做修改',
    en: '{provider} reports "{providerState}", not a success; nothing was changed',
  },
  RECONCILIATION_QUERY_FAILED: {
    zh: '无法向{providerZh}确认该笔支付（{code}），未做修改，请稍后重试',
    en: 'Could not confirm the payment with {provider} ({code}); nothing was changed, try again later',
  },
  // configuration
  SETTING_INVALID: { zh: '设置无效：{key}', en: 'Invalid setting: {key}' },
  NO_STORE: { zh: '尚未配置门店和终端', en: 'No store and terminal are configured yet' },
  DATABASE_TOO_NEW: {
    zh: '数据库版本 {databaseVersion} 高于本程序支持的版本 {appVersion}，请升级程序',
    en: 'The database (version {databaseVersion}) is newer than this app supports ({appVersion}); please update the app',
  },
} as const satisfies Record<string, Messages>;

export type ErrorCode = keyof typeof ERROR_MESSAGES;

export type ErrorDetails = Record<string, unknown>;

/** The serialisable shape that crosses IPC/HTTP. */
export interface ApiError {
  code: ErrorCode;
  message: Messages;
  details?: ErrorDetails;
}

function fill(template: string, details: ErrorDetails | undefined): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => {
    const value = details?.[key];
    return value === undefined || value === null ? whole : String(value);
  });
}

export class TillError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails | undefined;
  readonly messages: Messages;

  constructor(code: ErrorCode, details?: ErrorDetails) {
    const template = ERROR_MESSAGES[code];
    const messages = { zh: fill(template.zh, details), en: fill(template.en, details) };
    super(messages.en);
    this.name = 'TillError';
    this.code = code;
    this.details = details;
    this.messages = messages;
  }

  toApiError(): ApiError {
    return this.details === undefined
      ? { code: this.code, message: this.messages }
      : { code: this.code, message: this.messages, details: this.details };
  }
}

export function isTillError(error: unknown): error is TillError {
  return error instanceof TillError;
}
