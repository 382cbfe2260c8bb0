import net from 'node:net';
import { TillError } from '../api/errors';

/**
 * Raw ESC/POS over TCP (port 9100, "JetDirect"). A print either resolves after every byte was
 * handed to the OS for the printer, or rejects with a TillError — PRINTER_UNREACHABLE (refused,
 * no route, reset) or PRINTER_TIMEOUT (connect, write or status) — never silently succeeds.
 *
 * What a resolved print does NOT prove: that the paper came out. Port 9100 has no acknowledgement;
 * call `queryPrinterStatus` (DLE EOT) before or after to catch cover-open / paper-out.
 */

export interface NetworkPrinterTarget {
  host: string;
  port?: number;
  /** Default 3000 ms. */
  connectTimeoutMs?: number;
  /** Time for all bytes to be accepted after connecting; default 10000 ms. */
  writeTimeoutMs?: number;
}

export const DEFAULT_PRINTER_PORT = 9100;

type Phase = 'connect' | 'write' | 'status';
const PHASE_ZH: Record<Phase, string> = { connect: '连接', write: '发送', status: '状态查询' };

function address(target: NetworkPrinterTarget): string {
  return `${target.host}:${target.port ?? DEFAULT_PRINTER_PORT}`;
}

function reasonZh(code: string | undefined): string {
  switch (code) {
    case 'ECONNREFUSED':
      return '连接被拒绝（打印机未开机或端口错误）';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return '网络不可达';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return '找不到该地址';
    case 'ECONNRESET':
    case 'EPIPE':
      return '连接被打印机断开';
    default:
      return code ?? '未知错误';
  }
}

function unreachable(target: NetworkPrinterTarget, error: NodeJS.ErrnoException, phase: Phase): TillError {
  return new TillError('PRINTER_UNREACHABLE', {
    address: address(target),
    reason: error.code ?? error.message,
    reasonZh: reasonZh(error.code),
    phase,
  });
}

function timedOut(target: NetworkPrinterTarget, phase: Phase, timeoutMs: number): TillError {
  return new TillError('PRINTER_TIMEOUT', { address: address(target), phase, phaseZh: PHASE_ZH[phase], timeoutMs });
}

/** Opens a connection, rejecting with the typed errors on refusal or after connectTimeoutMs. */
function connect(target: NetworkPrinterTarget): Promise<net.Socket> {
  const timeoutMs = target.connectTimeoutMs ?? 3000;
  return new Promise((resolve, reject) => {
    const socket = net.createConnection({ host: target.host, port: target.port ?? DEFAULT_PRINTER_PORT });
    socket.setNoDelay(true);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(timedOut(target, 'connect', timeoutMs));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      reject(unreachable(target, error, 'connect'));
    });
  });
}

export interface PrintResult {
  bytesWritten: number;
  elapsedMs: number;
}

/** Sends the bytes and half-closes; resolves when the OS has taken every byte. */
export async function sendToNetworkPrinter(target: NetworkPrinterTarget, bytes: Uint8Array): Promise<PrintResult> {
  if (bytes.length === 0) throw new RangeError('sendToNetworkPrinter: nothing to print');
  const started = Date.now();
  const socket = await connect(target);
  const timeoutMs = target.writeTimeoutMs ?? 10_000;
  return new Promise<PrintResult>((resolve, reject) => {
    let settled = false;
    const settle = (error: TillError | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) {
        socket.destroy();
        reject(error);
      } else {
        resolve({ bytesWritten: bytes.length, elapsedMs: Date.now() - started });
        // Do not wait for the printer to close its side (many never do); drop the socket soon after.
        socket.setTimeout(2000, () => socket.destroy());
        socket.resume();
      }
    };
    const timer = setTimeout(() => settle(timedOut(target, 'write', timeoutMs)), timeoutMs);
    socket.on('error', (error: NodeJS.ErrnoException) => settle(unreachable(target, error, 'write')));
    socket.on('close', () => settle(new TillError('PRINTER_UNREACHABLE', {
      address: address(target), reason: 'connection closed before all bytes were sent', reasonZh: '发送完成前连接已关闭', phase: 'write',
    })));
    // 'finish' fires once end() has flushed every byte to the kernel.
    socket.once('finish', () => settle(null));
    socket.end(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
  });
}

// ---------------------------------------------------------------------------------------------
// Status (DLE EOT n, real-time: answered even while the printer is busy or offline)

export interface PrinterStatus {
  online: boolean;
  coverOpen: boolean;
  paperOut: boolean;
  paperNearEnd: boolean;
  error: boolean;
  /** The raw answers to DLE EOT 1, 2 and 4. */
  raw: { printer: number; offline: number; paper: number };
}

export function statusRequest(n: 1 | 2 | 3 | 4): number[] {
  return [0x10, 0x04, n];
}

/** Interprets the three status bytes (Epson ESC/POS reference, DLE EOT). */
export function parsePrinterStatus(printer: number, offline: number, paper: number): PrinterStatus {
  return {
    online: (printer & 0x08) === 0,
    coverOpen: (offline & 0x04) !== 0,
    paperOut: (offline & 0x20) !== 0 || (paper & 0x60) !== 0,
    paperNearEnd: (paper & 0x0c) !== 0,
    error: (offline & 0x40) !== 0,
    raw: { printer, offline, paper },
  };
}

/** Asks DLE EOT 1, 2 and 4 on one connection; rejects with PRINTER_TIMEOUT when an answer is late. */
export async function queryPrinterStatus(target: NetworkPrinterTarget, opts: { timeoutMs?: number } = {}): Promise<PrinterStatus> {
  const timeoutMs = opts.timeoutMs ?? 2000;
  const socket = await connect(target);
  const answers: number[] = [];
  try {
    return await new Promise<PrinterStatus>((resolve, reject) => {
      const timer = setTimeout(() => reject(timedOut(target, 'status', timeoutMs)), timeoutMs);
      const fail = (error: TillError): void => {
        clearTimeout(timer);
        reject(error);
      };
      socket.on('error', (error: NodeJS.ErrnoException) => fail(unreachable(target, error, 'status')));
      socket.on('close', () =>
        fail(new TillError('PRINTER_UNREACHABLE', { address: address(target), reason: 'closed during status query', reasonZh: '状态查询时连接被关闭', phase: 'status' })),
      );
      const requests: (1 | 2 | 4)[] = [1, 2, 4];
      socket.on('data', (chunk: Buffer) => {
        answers.push(...chunk);
        if (answers.length >= requests.length) {
          clearTimeout(timer);
          resolve(parsePrinterStatus(answers[0] ?? 0, answers[1] ?? 0, answers[2] ?? 0));
        } else {
          socket.write(Uint8Array.from(statusRequest(requests[answers.length] ?? 4)));
        }
      });
      // One request at a time: a printer answers each DLE EOT with one byte, in order.
      socket.write(Uint8Array.from(statusRequest(1)));
    });
  } finally {
    socket.destroy();
  }
}
