/**
 * The demo's simulated traders. They hold their own keys, sign with the SDK and talk to the gateway like any client:
 * orders and signed cancels over HTTP, the mark and their trades over the WebSocket feed.
 *
 * - {@link MarketMaker}: rests post-only bids and asks around the index, the size of each level shaped by the recorded
 *   book depth; every requote cancels the previous quotes with one signed `CancelAll`.
 * - {@link Taker}: crosses the book with IOC orders (opening leveraged positions, trading during the day).
 */
import type { Wallet } from "ethers";
import { GatewayStream, type GatewayClient, GatewayRequestError } from "../../keepers/gateway/client";
import { signCancelRequest } from "../../keepers/sdk/cancels";
import { MarketKind } from "../../keepers/sdk/markets";
import { WAD } from "../../keepers/sdk/math";
import { NonceAllocator, OrderFlag, signOrder, type Order, type OrderDomain } from "../../keepers/sdk/orders";

/** What a trader needs to reach the exchange. */
export interface Venue {
  client: GatewayClient;
  /** The gateway's WebSocket URL (`ws://…/v1/ws`). */
  wsUrl: string;
  domain: OrderDomain;
  /** The chain's current time (unix s): signed requests' deadlines. */
  chainTimeSec(): number;
}

/** A market's order-entry grid. */
export interface MarketGrid {
  marketId: number;
  kind: MarketKind;
  tickSizeWad: bigint;
  lotSizeWad: bigint;
  minPriceWad: bigint;
  maxPriceWad: bigint;
}

/** One quote level: its distance from the center (a fraction for ASSET, a price distance for BOUNDED) and size. */
export interface QuoteLevel {
  offsetWad: bigint;
  sizeWad: bigint;
}

/** Counts of what a trader's orders did (for the report). */
export interface TraderStats {
  orders: number;
  rejected: number;
  fills: number;
  /** The gateway's code and message for the last refused order. */
  lastRejection?: string;
}

/** A trader: a key, its nonces and its statistics. */
class Trader {
  readonly stats: TraderStats = { orders: 0, rejected: 0, fills: 0 };
  protected readonly nonces = new NonceAllocator(1n);

  constructor(
    readonly wallet: Wallet,
    protected readonly venue: Venue,
  ) {}

  get address(): string {
    return this.wallet.address;
  }

  /** Signs and places an order; a refusal (4xx) is counted and returned as undefined, never thrown. */
  protected async place(order: Omit<Order, "account" | "nonce" | "expiry" | "triggerPrice">): Promise<number> {
    const full: Order = { ...order, account: this.address, nonce: this.nonces.take(), expiry: 0n, triggerPrice: 0n };
    this.stats.orders += 1;
    try {
      const result = await this.venue.client.placeOrder({
        order: full,
        signature: await signOrder(this.wallet, this.venue.domain, full),
      });
      this.stats.fills += result.fills.length;
      return result.fills.length;
    } catch (error) {
      if (error instanceof GatewayRequestError && error.status < 500) {
        this.stats.rejected += 1;
        this.stats.lastRejection = `${error.code}: ${error.message}`;
        return 0;
      }
      throw error;
    }
  }
}

/** Rests post-only quotes around a center price and follows the index over the WebSocket mark feed. */
export class MarketMaker extends Trader {
  private stream: GatewayStream | undefined;
  private lastIndexWad: bigint | undefined;
  private tradesSinceQuote = 0;
  private cancels = 0;

  constructor(
    wallet: Wallet,
    venue: Venue,
    private readonly grid: MarketGrid,
  ) {
    super(wallet, venue);
  }

  /** Opens the WebSocket and subscribes to the market's mark and trades. */
  async connect(): Promise<void> {
    this.stream = await GatewayStream.connect(this.venue.wsUrl);
    await this.stream.subscribe({ channel: "mark", marketId: this.grid.marketId });
    await this.stream.subscribe({ channel: "trades", marketId: this.grid.marketId });
  }

  /**
   * The latest index price the mark feed delivered (wad), after reading every queued message: makers quote around the
   * external index, as real ones do, not around the mark their own book helps to make.
   */
  indexFromFeed(): bigint | undefined {
    for (const message of this.stream?.drain() ?? []) {
      if (message.type !== "update") continue;
      if (message.channel === "mark") this.lastIndexWad = message.data.indexWad;
      if (message.channel === "trades") this.tradesSinceQuote += 1;
    }
    return this.lastIndexWad;
  }

  /** Whether the trades feed reported a trade in the market since the last requote (the book may have been taken). */
  get tradedSinceQuote(): boolean {
    return this.tradesSinceQuote > 0;
  }

  /** Cancels every resting quote of the market (one signed `CancelAll`), then rests `levels` on both sides. */
  async requote(centerWad: bigint, levels: readonly QuoteLevel[]): Promise<void> {
    const request = {
      account: this.address,
      marketId: this.grid.marketId,
      // Each signed CancelAll is accepted once: a fresh deadline per request keeps them distinct.
      deadline: BigInt(this.venue.chainTimeSec() + 60 + (this.cancels++ % 50)),
    };
    await this.venue.client.cancelAll(
      request,
      await signCancelRequest(this.wallet, this.venue.domain, "CancelAll", request),
    );
    for (const level of levels) {
      for (const buy of [true, false]) {
        const priceWad = this.levelPrice(centerWad, level.offsetWad, buy);
        if (priceWad === undefined || level.sizeWad === 0n) continue;
        await this.place({
          marketId: this.grid.marketId,
          flags: OrderFlag.PostOnly | (buy ? OrderFlag.Buy : 0),
          size: level.sizeWad,
          price: priceWad,
        });
      }
    }
  }

  /** Closes the WebSocket; resolves once it is closed. */
  async close(): Promise<void> {
    await this.stream?.close();
  }

  private levelPrice(centerWad: bigint, offsetWad: bigint, buy: boolean): bigint | undefined {
    const { kind, tickSizeWad: tick, minPriceWad, maxPriceWad } = this.grid;
    const deltaWad = kind === MarketKind.Bounded ? offsetWad : (centerWad * offsetWad) / WAD;
    // Bids round down and asks up to the tick: a quote never moves toward the center.
    const raw = buy ? centerWad - deltaWad : centerWad + deltaWad;
    const priceWad = buy ? (raw / tick) * tick : ((raw + tick - 1n) / tick) * tick;
    return priceWad < minPriceWad || priceWad > maxPriceWad ? undefined : priceWad;
  }
}

/** Crosses the book with IOC orders. */
export class Taker extends Trader {
  /** An IOC order of `sizeWad` up to `limitPriceWad`; resolves with the number of fills. */
  trade(marketId: number, side: "buy" | "sell", sizeWad: bigint, limitPriceWad: bigint): Promise<number> {
    return this.place({
      marketId,
      flags: OrderFlag.ImmediateOrCancel | (side === "buy" ? OrderFlag.Buy : 0),
      size: sizeWad,
      price: limitPriceWad,
    });
  }
}
