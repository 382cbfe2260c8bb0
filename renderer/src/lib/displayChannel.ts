/**
 * Cashier window → customer display on the same origin (browser tabs or Electron windows):
 * what the core's events do not carry yet (the change due after a cash payment).
 */
export type DisplayMessage =
  | { kind: 'qr'; paymentId: string; outTradeNo: string | null; codeUrl: string; amountFen: number; tender: 'wechat' | 'alipay' }
  | { kind: 'paid'; orderNo: string; totalFen: number; changeFen: number }
  | { kind: 'idle' };

const NAME = 'till-display';

export function publishDisplay(message: DisplayMessage): void {
  try {
    const channel = new BroadcastChannel(NAME);
    channel.postMessage(message);
    channel.close();
  } catch {
    /* no BroadcastChannel: the display relies on core events only */
  }
}

export function subscribeDisplay(listener: (message: DisplayMessage) => void): () => void {
  try {
    const channel = new BroadcastChannel(NAME);
    channel.onmessage = (event: MessageEvent<DisplayMessage>) => listener(event.data);
    return () => channel.close();
  } catch {
    return () => undefined;
  }
}
