/** Facts the host injects into index.html: the per-run host token and boot info (base64 JSON). */
export interface BootInfo {
  sandbox?: { wechat?: string; alipay?: string };
}

function meta(name: string): string | null {
  return document.querySelector<HTMLMetaElement>(`meta[name="${name}"]`)?.content ?? null;
}

function decodeBoot(): BootInfo {
  if (window.till?.boot) return window.till.boot as BootInfo;
  const raw = meta('till-boot');
  if (!raw) return {};
  try {
    const bytes = Uint8Array.from(atob(raw), (c) => c.charCodeAt(0));
    const parsed: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return parsed && typeof parsed === 'object' ? (parsed as BootInfo) : {};
  } catch {
    return {};
  }
}

export const hostToken: string = meta('till-host-token') ?? '';
export const boot: BootInfo = decodeBoot();
export const sandboxMode = Boolean(boot.sandbox?.wechat || boot.sandbox?.alipay);
