/**
 * System printing for receipts: render the receipt HTML in a hidden, script-less window, then
 * print it silently to the configured printer, or render it to PDF bytes. Every failure is a
 * PrintError with a code the UI can branch on. (ESC/POS over TCP lives in the core's printing/.)
 */
import { BrowserWindow } from 'electron';
import { SHELL_SECURITY } from './security';

export type PrintErrorCode = 'PRINTER_NOT_FOUND' | 'PRINT_FAILED' | 'PRINT_CANCELLED' | 'PRINT_TIMEOUT' | 'RENDER_FAILED' | 'PDF_FAILED';

export class PrintError extends Error {
  constructor(
    readonly code: PrintErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'PrintError';
  }
}

export interface PrintOptions {
  /** The system printer name; absent = the system default printer. */
  deviceName?: string;
  /** Receipt paper width in microns (80 mm paper = 80000); absent = the printer's default page. */
  pageWidthMicrons?: number;
  copies?: number;
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new PrintError('PRINT_TIMEOUT', `${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A hidden window showing only this HTML (no script, no preload), closed by the caller. */
async function renderHidden(html: string, timeoutMs: number): Promise<BrowserWindow> {
  const window = new BrowserWindow({ show: false, webPreferences: { ...SHELL_SECURITY.printWebPreferences } });
  try {
    const url = `data:text/html;charset=utf-8;base64,${Buffer.from(html, 'utf8').toString('base64')}`;
    await withTimeout(window.loadURL(url), timeoutMs, 'Rendering the receipt');
    return window;
  } catch (error) {
    window.destroy();
    if (error instanceof PrintError) throw error;
    throw new PrintError('RENDER_FAILED', `Could not render the receipt: ${(error as Error).message}`);
  }
}

/** Prints the receipt HTML silently (no dialog) to `deviceName` or the default printer. */
export async function printReceiptHtml(html: string, options: PrintOptions = {}): Promise<void> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const window = await renderHidden(html, timeoutMs);
  try {
    if (options.deviceName !== undefined) {
      const printers = await window.webContents.getPrintersAsync();
      if (!printers.some((printer) => printer.name === options.deviceName)) {
        throw new PrintError('PRINTER_NOT_FOUND', `Printer "${options.deviceName}" is not installed`, {
          deviceName: options.deviceName,
          available: printers.map((printer) => printer.name),
        });
      }
    }
    const printed = new Promise<void>((resolve, reject) => {
      window.webContents.print(
        {
          silent: true,
          printBackground: true,
          copies: options.copies ?? 1,
          margins: { marginType: 'none' },
          ...(options.deviceName !== undefined ? { deviceName: options.deviceName } : {}),
          ...(options.pageWidthMicrons ? { pageSize: { width: options.pageWidthMicrons, height: 297_000 } } : {}),
        },
        (success, failureReason) => {
          if (success) resolve();
          else if (failureReason === 'cancelled') reject(new PrintError('PRINT_CANCELLED', 'Printing was cancelled'));
          else reject(new PrintError('PRINT_FAILED', `Printing failed: ${failureReason}`, { failureReason }));
        },
      );
    });
    await withTimeout(printed, timeoutMs, 'Printing');
  } finally {
    window.destroy();
  }
}

/** Renders the receipt HTML to PDF bytes (for e-mail, archive, or a printer-less till). */
export async function receiptToPdf(html: string, options: Pick<PrintOptions, 'pageWidthMicrons' | 'timeoutMs'> = {}): Promise<Uint8Array> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const window = await renderHidden(html, timeoutMs);
  try {
    const inches = options.pageWidthMicrons ? options.pageWidthMicrons / 25_400 : undefined;
    const pdf = await withTimeout(
      window.webContents.printToPDF({
        printBackground: true,
        margins: { top: 0, bottom: 0, left: 0, right: 0 },
        ...(inches ? { pageSize: { width: inches, height: 11.69 } } : {}),
      }),
      timeoutMs,
      'Rendering the PDF',
    );
    return new Uint8Array(pdf.buffer, pdf.byteOffset, pdf.byteLength);
  } catch (error) {
    if (error instanceof PrintError) throw error;
    throw new PrintError('PDF_FAILED', `Could not render the PDF: ${(error as Error).message}`);
  } finally {
    window.destroy();
  }
}
