import { useRef } from 'react';

/**
 * Tells a barcode scanner from a person typing: a scanner sends its characters < ~30 ms apart and
 * ends with Enter. At Enter, the trailing run of fast keys (≥ MIN_SCAN chars) is the scanned code;
 * anything typed slowly before it is kept as search text.
 */
const FAST_MS = 30;
const MIN_SCAN = 6;
const ENTER_MS = 80;

export interface KeyTiming {
  /** Feed every keydown of the field. Returns the scanned code when this Enter ends a burst. */
  onKeyDown(e: React.KeyboardEvent<HTMLInputElement>): { scanned: string; rest: string } | null;
  reset(): void;
}

export function useScanDetector(): KeyTiming {
  const run = useRef<{ chars: string; last: number }>({ chars: '', last: 0 });
  return {
    onKeyDown(e) {
      const now = e.timeStamp || performance.now();
      const state = run.current;
      if (e.key === 'Enter') {
        const burst = state.chars.length >= MIN_SCAN && now - state.last < ENTER_MS;
        const scanned = state.chars;
        run.current = { chars: '', last: 0 };
        if (!burst) return null;
        const value = e.currentTarget.value;
        const rest = value.endsWith(scanned) ? value.slice(0, value.length - scanned.length) : '';
        return { scanned, rest };
      }
      if (e.key.length === 1 && !e.ctrlKey && !e.metaKey && !e.altKey) {
        if (state.chars && now - state.last < FAST_MS) state.chars += e.key;
        else state.chars = e.key;
        state.last = now;
      } else if (e.key !== 'Shift') {
        run.current = { chars: '', last: 0 };
      }
      return null;
    },
    reset() {
      run.current = { chars: '', last: 0 };
    },
  };
}
