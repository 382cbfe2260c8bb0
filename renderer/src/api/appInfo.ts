import { useEffect, useState } from 'react';
import type { ApiOutput } from '../../../electron/api/contract';
import { api } from './session';

export type AppInfo = ApiOutput<'app.info'>;

let cached: Promise<AppInfo | null> | null = null;

/**
 * Payments mode and whether the demo payer exists, asked once from the core. Works the same over
 * the preload bridge and the browser host (the boot meta tag exists only in the latter).
 */
export function loadAppInfo(): Promise<AppInfo | null> {
  cached ??= api['app.info']({}).catch(() => {
    cached = null; // ask again next time; the host may have been restarting
    return null;
  });
  return cached;
}

export function useAppInfo(): AppInfo | null {
  const [info, setInfo] = useState<AppInfo | null>(null);
  useEffect(() => {
    let live = true;
    void loadAppInfo().then((value) => live && setInfo(value));
    return () => {
      live = false;
    };
  }, []);
  return info;
}
