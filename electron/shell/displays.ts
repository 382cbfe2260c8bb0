/** Which screen shows the customer display. Pure (type imports only) for the unit tests. */
import type { Rectangle } from 'electron';

export interface DisplayLike {
  id: number;
  bounds: Rectangle;
}

/** The first display that is not the cashier's (primary) one, or null on a single-screen till. */
export function pickCustomerDisplay<D extends DisplayLike>(displays: readonly D[], primaryId: number): D | null {
  return displays.find((display) => display.id !== primaryId) ?? null;
}
