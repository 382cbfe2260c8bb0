import type { Database } from 'better-sqlite3';
import { deleteCart, readCart, writeCart } from '../../db/stores/carts';
import { appendAudit } from '../../db/stores/audit';
import { TillError } from '../api/errors';
import {
  cartDataSchema,
  emptyCart,
  findLine,
  priceCartData,
  viewCart,
  discountForCap,
  capFen,
  type CartData,
  type CartLine,
  type CartView,
  type Discount,
} from './cart';
import { MAX_CART_LINES, type RoundingRule } from './pricing';
import type { ProductSummary } from './catalog';

/** What the cart needs from the catalog (electron/checkout/catalog.ts provides it). */
export type CatalogProduct = ProductSummary;

export interface ScannedItem {
  product: CatalogProduct;
  /** Pieces, or grams for a weighed label. */
  quantity: number;
  /** Price-embedded scale label: the label's total is the line's price. */
  labelPriceFen?: number;
  barcode: string | null;
}

export interface CatalogPort {
  lookupScan(code: string): ScannedItem;
  getProduct(id: number): CatalogProduct | undefined;
}

export interface CartPolicy {
  roundingRule(): RoundingRule;
  discountCapBp(): number;
}

export interface Actor {
  userId: string;
  terminalId: string;
}

/** A manager identity already verified by PIN (the API layer checks the PIN). */
export interface Approval {
  approverId: string;
}

const MAX_UNIT_QUANTITY = 9_999;
const MAX_GRAMS = 100_000;

export class CartService {
  constructor(
    private readonly db: Database,
    private readonly catalog: CatalogPort,
    private readonly policy: CartPolicy,
    private readonly now: () => string,
    private readonly onChange: (terminalId: string, view: CartView) => void = () => {},
  ) {}

  load(terminalId: string): CartData {
    const row = readCart(this.db, terminalId);
    if (!row) return emptyCart();
    const parsed = cartDataSchema.safeParse(JSON.parse(row.data));
    // A cart written by an older/newer build that no longer parses is dropped rather than
    // crashing the till; the sale was not yet an order, so nothing of record is lost.
    return parsed.success ? parsed.data : emptyCart();
  }

  view(terminalId: string): CartView {
    return viewCart(this.load(terminalId), this.policy.roundingRule(), this.policy.discountCapBp());
  }

  /**
   * Applies a change to a copy, prices it (which validates every amount), enforces the manager
   * cap, and only then persists: a rejected change leaves the stored cart exactly as it was.
   */
  private mutate(actor: Actor, change: (cart: CartData) => void, approval?: Approval, auditAction?: string): CartView {
    // One transaction: the cart and its audit entries are written together or not at all.
    const cart = this.db.transaction(() => this.applyChange(actor, change, approval, auditAction))();
    const view = viewCart(cart, this.policy.roundingRule(), this.policy.discountCapBp());
    this.onChange(actor.terminalId, view);
    return view;
  }

  private applyChange(actor: Actor, change: (cart: CartData) => void, approval?: Approval, auditAction?: string): CartData {
    const cart = structuredClone(this.load(actor.terminalId));
    change(cart);
    const priced = priceCartData(cart, this.policy.roundingRule());
    const discount = discountForCap(priced);
    const cap = capFen(priced, this.policy.discountCapBp());
    if (discount > cap) {
      const approvedUpTo = cart.approval?.approvedDiscountFen ?? -1;
      if (discount > approvedUpTo) {
        if (!approval) throw new TillError('APPROVAL_REQUIRED', { discountFen: discount, capFen: cap });
        cart.approval = { userId: approval.approverId, approvedDiscountFen: discount };
        appendAudit(this.db, {
          at: this.now(),
          terminalId: actor.terminalId,
          userId: actor.userId,
          approverId: approval.approverId,
          action: 'discount.over_cap',
          details: { discountFen: discount, capFen: cap, subtotalFen: priced.subtotalFen },
        });
      }
    } else if (cart.approval && discount <= cap) {
      cart.approval = null;
    }
    if (auditAction) {
      appendAudit(this.db, {
        at: this.now(),
        terminalId: actor.terminalId,
        userId: actor.userId,
        approverId: approval?.approverId ?? null,
        action: auditAction,
      });
    }
    this.save(actor, cart);
    return cart;
  }

  private save(actor: Actor, cart: CartData): void {
    writeCart(this.db, { terminal_id: actor.terminalId, cashier_id: actor.userId, data: JSON.stringify(cart), updated_at: this.now() });
  }

  private newLine(cart: CartData, item: ScannedItem): CartLine {
    if (!item.product.active) throw new TillError('PRODUCT_INACTIVE', { name: item.product.name });
    const lineId = `L${cart.nextLine}`;
    cart.nextLine += 1;
    return {
      lineId,
      productId: item.product.id,
      sku: item.product.sku,
      barcode: item.barcode,
      name: item.product.name,
      nameEn: item.product.nameEn,
      unit: item.product.unit,
      soldBy: item.labelPriceFen !== undefined ? 'unit' : item.product.soldBy,
      quantity: item.quantity,
      unitPriceFen: item.labelPriceFen ?? item.product.priceFen,
      listPriceFen: item.product.priceFen,
      priceOverriddenBy: null,
      fixedByLabel: item.labelPriceFen !== undefined,
      taxRateBp: item.product.taxRateBp,
      discount: null,
    };
  }

  private addItem(cart: CartData, item: ScannedItem): void {
    // A repeated scan of the same piece-priced product adds to its line (what a cashier expects
    // when scanning six cans); weighed and label-priced items are always their own line.
    const mergeable =
      item.product.soldBy === 'unit' && item.labelPriceFen === undefined
        ? cart.lines.find(
            (line) =>
              line.productId === item.product.id &&
              !line.fixedByLabel &&
              line.priceOverriddenBy === null &&
              line.unitPriceFen === item.product.priceFen &&
              line.discount === null,
          )
        : undefined;
    if (mergeable) {
      const quantity = mergeable.quantity + item.quantity;
      assertQuantity(mergeable.soldBy, quantity);
      mergeable.quantity = quantity;
      // Move the line to the bottom so the last scan is where the cashier looks.
      cart.lines = [...cart.lines.filter((line) => line !== mergeable), mergeable];
      return;
    }
    if (cart.lines.length >= MAX_CART_LINES) throw new TillError('CART_TOO_LARGE', { max: MAX_CART_LINES });
    assertQuantity(item.product.soldBy === 'weight' && item.labelPriceFen === undefined ? 'weight' : 'unit', item.quantity);
    cart.lines.push(this.newLine(cart, item));
  }

  scan(actor: Actor, code: string): CartView {
    const item = this.catalog.lookupScan(code);
    return this.mutate(actor, (cart) => this.addItem(cart, item));
  }

  addProduct(actor: Actor, productId: number, quantity: number): CartView {
    const product = this.catalog.getProduct(productId);
    if (!product) throw new TillError('PRODUCT_NOT_FOUND', { query: String(productId) });
    return this.mutate(actor, (cart) => this.addItem(cart, { product, quantity, barcode: null }));
  }

  setQuantity(actor: Actor, lineId: string, quantity: number): CartView {
    return this.mutate(actor, (cart) => {
      const line = findLine(cart, lineId);
      if (line.fixedByLabel && quantity !== line.quantity) throw new TillError('QUANTITY_INVALID', { quantity, reason: 'label' });
      assertQuantity(line.soldBy, quantity);
      line.quantity = quantity;
    });
  }

  removeLine(actor: Actor, lineId: string): CartView {
    return this.mutate(
      actor,
      (cart) => {
        findLine(cart, lineId);
        cart.lines = cart.lines.filter((line) => line.lineId !== lineId);
      },
      undefined,
      'cart.line_removed',
    );
  }

  setLineDiscount(actor: Actor, lineId: string, discount: Discount | null, approval?: Approval): CartView {
    return this.mutate(actor, (cart) => {
      findLine(cart, lineId).discount = discount;
    }, approval);
  }

  setOrderDiscount(actor: Actor, discount: Discount | null, approval?: Approval): CartView {
    return this.mutate(actor, (cart) => {
      cart.orderDiscount = discount;
    }, approval);
  }

  setCoupon(actor: Actor, coupon: { code: string; fen: number } | null, approval?: Approval): CartView {
    return this.mutate(actor, (cart) => {
      cart.coupon = coupon;
    }, approval);
  }

  /** Changing a price is always a manager's decision, whatever the amount. */
  overridePrice(actor: Actor, lineId: string, unitPriceFen: number, approval: Approval | undefined): CartView {
    if (!approval) throw new TillError('APPROVAL_REQUIRED', { action: 'price_override' });
    return this.mutate(
      actor,
      (cart) => {
        const line = findLine(cart, lineId);
        line.unitPriceFen = unitPriceFen;
        line.priceOverriddenBy = approval.approverId;
        line.fixedByLabel = false;
      },
      approval,
      'cart.price_override',
    );
  }

  clear(actor: Actor): CartView {
    const before = this.load(actor.terminalId);
    if (before.lines.length > 0) {
      appendAudit(this.db, { at: this.now(), terminalId: actor.terminalId, userId: actor.userId, action: 'cart.voided', details: { lines: before.lines.length } });
    }
    deleteCart(this.db, actor.terminalId);
    const view = viewCart(emptyCart(), this.policy.roundingRule(), this.policy.discountCapBp());
    this.onChange(actor.terminalId, view);
    return view;
  }
}

export function assertQuantity(soldBy: 'unit' | 'weight', quantity: number): void {
  const max = soldBy === 'weight' ? MAX_GRAMS : MAX_UNIT_QUANTITY;
  if (!Number.isSafeInteger(quantity) || quantity < 1 || quantity > max) throw new TillError('QUANTITY_INVALID', { quantity });
}
