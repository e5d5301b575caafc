/**
 * A test double of {@link ExchangeApi} for the gateway's transport tests: it keeps orders, books, trades and accounts
 * in memory, verifies order signatures against a fixed test domain (so that a wrong signer gets a real 401), rests
 * every order on the book without matching, and emits the events a real exchange would. It proves nothing about the
 * exchange itself: the real service (keepers/matcher) is tested end to end elsewhere. Each call is recorded in
 * `calls`, and `failNext` makes the next call of a method throw, to exercise the gateway's error mapping.
 */
import { EventEmitter } from "node:events";
import { Wallet, verifyTypedData } from "ethers";
import {
  ApiError,
  type AccountView,
  type ExchangeApi,
  type ExchangeEvents,
  type MarketView,
  type OrderView,
  type OrdersFilter,
  type PlaceOrderResult,
  type ScheduledCancel,
  type TradeView,
} from "../../../keepers/gateway/api";
import type { BookLevel, BookSnapshot, ImpactPrices, Side } from "../../../keepers/matcher/types";
import type { CancelAllRequest, CancelOrderRequest, ScheduleCancelRequest } from "../../../keepers/sdk/cancels";
import {
  ORDER_TYPES,
  OrderFlag,
  isBuy,
  orderDigest,
  signOrder,
  type Order,
  type OrderDomain,
} from "../../../keepers/sdk/orders";
import { WAD } from "../../../keepers/sdk/math";

/** The EIP-712 domain the fake checks order signatures against. */
export const TEST_DOMAIN: OrderDomain = {
  name: "Keel",
  version: "1",
  chainId: 31337n,
  verifyingContract: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
};

/** The fake's markets: BTC-USD (id 1) and a bounded event market (id 2). */
export const BTC_USD = 1;
export const EVENT_MARKET = 2;

function market(marketId: number, symbol: string, kind: MarketView["kind"]): MarketView {
  return {
    marketId,
    symbol,
    kind,
    status: "active",
    lotSizeWad: WAD / 1000n,
    tickSizeWad: kind === "asset" ? WAD : WAD / 1000n,
    minPriceWad: kind === "asset" ? WAD : WAD / 1000n,
    maxPriceWad: kind === "asset" ? 10_000_000n * WAD : WAD - WAD / 1000n,
    maxFillDeviationWad: WAD / 20n,
    makerFeeWad: -(WAD / 10_000n),
    takerFeeWad: (5n * WAD) / 10_000n,
    markWad: kind === "asset" ? 60_000n * WAD : (4n * WAD) / 10n,
    indexWad: kind === "asset" ? 60_010n * WAD : (4n * WAD) / 10n,
    openInterestWad: 12n * WAD,
    cumulativeFundingWad: -(3n * WAD) / 100n,
  };
}

/** A signed order of `wallet` on BTC-USD, for tests. */
export async function signedTestOrder(
  wallet: Wallet,
  overrides: Partial<Order> = {},
): Promise<{ order: Order; signature: string; hash: string }> {
  const order: Order = {
    account: wallet.address,
    marketId: BTC_USD,
    flags: OrderFlag.Buy,
    nonce: 7n,
    expiry: 0n,
    size: (3n * WAD) / 2n,
    price: 59_000n * WAD,
    triggerPrice: 0n,
    ...overrides,
  };
  return { order, signature: await signOrder(wallet, TEST_DOMAIN, order), hash: orderDigest(TEST_DOMAIN, order) };
}

/** The in-memory exchange double. */
export class FakeExchange implements ExchangeApi {
  readonly events = new EventEmitter<ExchangeEvents>();
  /** Every call, in order, with its (decoded) arguments. */
  readonly calls: { method: string; args: unknown[] }[] = [];
  /** The next call of `method` throws `error` (once). */
  failNext?: { method: keyof ExchangeApi; error: unknown };
  /** The next placeOrder never answers (to exercise the gateway's timeout). */
  hangNext = false;
  /** Fills the next placeOrder reports as taker. */
  nextFills: TradeView[] = [];

  readonly marketList: MarketView[] = [
    market(BTC_USD, "BTC-USD", "asset"),
    market(EVENT_MARKET, "SENATE-22-R", "bounded"),
  ];
  private readonly ordersByHash = new Map<string, OrderView>();
  private readonly books = new Map<
    number,
    { bids: Map<bigint, BookLevel>; asks: Map<bigint, BookLevel>; sequence: number }
  >();
  private readonly tradeLog: TradeView[] = [];
  private clock = 1_700_000_000_000;

  constructor() {
    for (const { marketId } of this.marketList)
      this.books.set(marketId, { bids: new Map(), asks: new Map(), sequence: 0 });
  }

  private enter(method: keyof ExchangeApi, args: unknown[]): void {
    this.calls.push({ method, args });
    if (this.failNext?.method === method) {
      const { error } = this.failNext;
      this.failNext = undefined;
      throw error;
    }
  }

  private bookOf(marketId: number) {
    const book = this.books.get(marketId);
    if (!book) throw new ApiError("UNKNOWN_MARKET", 404, `market ${marketId} is not listed`, { marketId });
    return book;
  }

  async placeOrder(order: Order, signature: string): Promise<PlaceOrderResult> {
    this.enter("placeOrder", [order, signature]);
    if (this.hangNext) {
      this.hangNext = false;
      return new Promise(() => undefined);
    }
    this.bookOf(order.marketId);
    const signer = verifyTypedData({ ...TEST_DOMAIN }, ORDER_TYPES, order, signature);
    if (signer !== order.account) {
      throw new ApiError("INVALID_SIGNATURE", 401, `the signature recovers to ${signer}, not ${order.account}`);
    }
    const view: OrderView = {
      hash: orderDigest(TEST_DOMAIN, order),
      account: order.account,
      marketId: order.marketId,
      side: isBuy(order) ? "buy" : "sell",
      flags: order.flags,
      nonce: order.nonce,
      expiry: order.expiry,
      sizeWad: order.size,
      priceWad: order.price,
      triggerPriceWad: order.triggerPrice,
      filledWad: 0n,
      settledWad: 0n,
      status: "open",
      receivedAtMs: this.clock++,
    };
    this.ordersByHash.set(view.hash, view);
    this.changeLevel(order.marketId, view.side, order.price, order.size);
    this.events.emit("order", view);
    const fills = this.nextFills;
    this.nextFills = [];
    for (const fill of fills) this.recordTrade(fill);
    return { order: view, fills, cancelled: [] };
  }

  async cancelOrder(request: CancelOrderRequest, signature: string): Promise<OrderView> {
    this.enter("cancelOrder", [request, signature]);
    const order = this.ordersByHash.get(request.orderHash);
    if (!order || order.account !== request.account) {
      throw new ApiError("ORDER_NOT_FOUND", 404, `no order ${request.orderHash} of ${request.account}`);
    }
    return this.cancel(order, "cancelled by owner");
  }

  async cancelAll(request: CancelAllRequest, signature: string): Promise<OrderView[]> {
    this.enter("cancelAll", [request, signature]);
    const open = [...this.ordersByHash.values()].filter(
      (o) =>
        o.account === request.account &&
        o.status === "open" &&
        (request.marketId === 0 || o.marketId === request.marketId),
    );
    return open.map((order) => this.cancel(order, "cancel-all"));
  }

  async scheduleCancel(request: ScheduleCancelRequest, signature: string): Promise<ScheduledCancel> {
    this.enter("scheduleCancel", [request, signature]);
    return { account: request.account, cancelAt: request.cancelAt };
  }

  async markets(): Promise<MarketView[]> {
    this.enter("markets", []);
    return this.marketList.map((m) => {
      const book = this.bookOf(m.marketId);
      const bestBid = [...book.bids.keys()].sort((a, b) => (a > b ? -1 : 1))[0];
      const bestAsk = [...book.asks.keys()].sort((a, b) => (a < b ? -1 : 1))[0];
      return {
        ...m,
        ...(bestBid === undefined ? {} : { bestBidWad: bestBid }),
        ...(bestAsk === undefined ? {} : { bestAskWad: bestAsk }),
      };
    });
  }

  impactPrices(marketId: number, impactNotionalWad: bigint): ImpactPrices {
    this.enter("impactPrices", [marketId, impactNotionalWad]);
    this.bookOf(marketId);
    // The transport test double quotes the best levels as impact prices; the real average is the engine's (book.ts).
    const levels = this.book(marketId, 1);
    return {
      marketId,
      impactNotionalWad,
      ...(levels.bids[0] ? { impactBidWad: levels.bids[0].priceWad } : {}),
      ...(levels.asks[0] ? { impactAskWad: levels.asks[0].priceWad } : {}),
      timestampMs: 0,
    };
  }

  book(marketId: number, depth: number): BookSnapshot {
    this.enter("book", [marketId, depth]);
    const book = this.bookOf(marketId);
    const sorted = (levels: Map<bigint, BookLevel>, descending: boolean) =>
      [...levels.values()]
        .sort((a, b) => (a.priceWad === b.priceWad ? 0 : a.priceWad > b.priceWad === descending ? -1 : 1))
        .slice(0, depth)
        .map((level) => ({ ...level }));
    return { marketId, bids: sorted(book.bids, true), asks: sorted(book.asks, false), sequence: book.sequence };
  }

  orders(account: string, filter: OrdersFilter): OrderView[] {
    this.enter("orders", [account, filter]);
    return [...this.ordersByHash.values()]
      .filter((o) => o.account === account)
      .filter((o) => filter.status === "all" || o.status === "open")
      .filter((o) => filter.marketId === undefined || o.marketId === filter.marketId)
      .slice(0, filter.limit);
  }

  order(hash: string): OrderView | undefined {
    this.enter("order", [hash]);
    return this.ordersByHash.get(hash);
  }

  async account(address: string): Promise<AccountView> {
    this.enter("account", [address]);
    return {
      account: address,
      balanceWad: 10_000n * WAD,
      pendingWithdrawalWad: 0n,
      equityWad: -(5n * WAD) / 2n,
      initialMarginWad: 600n * WAD,
      maintenanceMarginWad: 300n * WAD,
      positions: [
        {
          marketId: BTC_USD,
          sizeWad: -(1n * WAD) / 10n,
          openNotionalWad: -6_000n * WAD,
          pendingFundingWad: 1n,
          unsettledSizeWad: 0n,
        },
      ],
      openOrders: [...this.ordersByHash.values()].filter((o) => o.account === address && o.status === "open").length,
      lastProcessedBlock: 1234,
    };
  }

  trades(marketId: number, limit: number): TradeView[] {
    this.enter("trades", [marketId, limit]);
    this.bookOf(marketId);
    return this.tradeLog
      .filter((t) => t.marketId === marketId)
      .slice(-limit)
      .reverse();
  }

  /** Sets the level (`side`, `priceWad`) to `sizeWad` more, and emits the delta with the book's next sequence. */
  changeLevel(marketId: number, side: Side, priceWad: bigint, sizeDeltaWad: bigint): void {
    const book = this.bookOf(marketId);
    const levels = side === "buy" ? book.bids : book.asks;
    const level = levels.get(priceWad) ?? { priceWad, sizeWad: 0n, orderCount: 0 };
    level.sizeWad += sizeDeltaWad;
    level.orderCount += sizeDeltaWad > 0n ? 1 : -1;
    if (level.sizeWad <= 0n) levels.delete(priceWad);
    else levels.set(priceWad, level);
    book.sequence += 1;
    this.events.emit("book", {
      marketId,
      side,
      priceWad,
      sizeWad: level.sizeWad > 0n ? level.sizeWad : 0n,
      sequence: book.sequence,
    });
  }

  /** Records a trade and emits it. */
  recordTrade(trade: TradeView): void {
    this.tradeLog.push(trade);
    this.events.emit("trade", trade);
  }

  private cancel(order: OrderView, reason: string): OrderView {
    if (order.status !== "open") return order;
    const cancelled: OrderView = { ...order, status: "cancelled", reason };
    this.ordersByHash.set(order.hash, cancelled);
    this.changeLevel(order.marketId, order.side, order.priceWad, -(order.sizeWad - order.filledWad));
    this.events.emit("order", cancelled);
    return cancelled;
  }
}

/** A fresh random wallet (no provider: it only signs). */
export function testWallet(): Wallet {
  return new Wallet(Wallet.createRandom().privateKey);
}

/** A trade on `marketId` for tests. */
export function testTrade(marketId: number, fillId: number, overrides: Partial<TradeView> = {}): TradeView {
  return {
    fillId,
    marketId,
    makerHash: `0x${"aa".repeat(32)}`,
    takerHash: `0x${"bb".repeat(32)}`,
    takerSide: "buy",
    sizeWad: WAD / 2n,
    priceWad: 60_000n * WAD,
    timestampMs: 1_700_000_000_123,
    settlement: "pending",
    ...overrides,
  };
}
