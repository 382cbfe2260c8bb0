import type { Core } from '../core/createCore';
import { findOrderByNo, searchOrdersOfDay, type OrderRow, type OrderSearchOptions } from '../../db/stores/orders';
import { interpretHistoryQuery } from '../checkout/historySearch';

/**
 * order.listByDay with a search: a full order number (typed, or scanned from the receipt's QR) finds
 * that one order whatever the day; anything else searches the chosen business day only.
 */
export function searchHistory(core: Core, businessDate: string, q: string, options: OrderSearchOptions): OrderRow[] {
  const storeId = core.identity().storeId;
  const query = interpretHistoryQuery(q);
  if (query.orderNo) {
    const exact = findOrderByNo(core.db, storeId, query.orderNo) ?? findOrderByNo(core.db, storeId, query.orderNo.toUpperCase());
    if (exact) return options.offset === 0 && (!options.state || exact.state === options.state) ? [exact] : [];
  }
  return searchOrdersOfDay(core.db, storeId, businessDate, query.criteria, options);
}
