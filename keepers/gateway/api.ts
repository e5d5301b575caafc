/**
 * The contract between the gateway (HTTP + WebSocket transport, DESIGN §10) and the exchange service behind it (order
 * intake with signature and margin checks, matching engine, journal). The service implements {@link ExchangeApi}; the
 * gateway validates and decodes requests, calls it, and encodes what it returns.
 *
 * Units: every price, size and amount of money is a wad bigint (1e18 = one unit of base, or 1 USD); the gateway turns
 * bigints into decimal strings on the wire and back. Addresses reach the service EIP-55 checksummed and hashes
 * lower-case. Errors meant for the caller are {@link ApiError}s; anything else the service throws is answered as a
 * 500 `INTERNAL` error and logged, its message never shown to the caller.
 */
import type { EventEmitter } from "node:events";
import type { SignedOrder } from "../sdk/batch";
import type { CancelAllRequest, CancelOrderRequest, ScheduleCancelRequest } from "../sdk/cancels";
import type { LiquidationFill, LiquidationRequest } from "../sdk/liquidations";
import type { Order } from "../sdk/orders";
import type { BookDelta, BookSnapshot, ImpactPrices, OrderStatus, Side } from "../matcher/types";

/** The HTTP statuses an {@link ApiError} may carry. */
export type ApiErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 503;

/**
 * Error codes the gateway itself uses, and the generic one per status a service may use. A service is free to use a
 * more specific code (e.g. `INSUFFICIENT_MARGIN`, `POST_ONLY_WOULD_CROSS`); clients branch on `code`, people read
 * `message`.
 */
export const ApiErrorCode = {
  /** 400: a field is missing, has the wrong type or is out of range; `details.field` names it. */
  InvalidRequest: "INVALID_REQUEST",
  /** 401: the signature does not recover to the account or one of its approved agents. */
  BadSignature: "BAD_SIGNATURE",
  /** 403: the signer is known but may not do this (e.g. a liquidation request without `LIQUIDATOR_ROLE`). */
  Forbidden: "FORBIDDEN",
  /** 404: unknown market, order, account or route. */
  NotFound: "NOT_FOUND",
  /** 409: conflicts with the current state (e.g. a nonce already used, an order already final). */
  Conflict: "CONFLICT",
  /** 413: the request body is larger than the gateway accepts. */
  PayloadTooLarge: "PAYLOAD_TOO_LARGE",
  /** 415: the body is not `application/json`. */
  UnsupportedMediaType: "UNSUPPORTED_MEDIA_TYPE",
  /** 422: well formed, but refused by the risk checks (margin, reduce-only, price band, post-only, ...). */
  Rejected: "REJECTED",
  /** 429: too many requests from this client. */
  RateLimited: "RATE_LIMITED",
  /** 503: the exchange is shutting down and takes no new orders or cancels; queries still work. */
  Stopping: "STOPPING",
  /** 503: the exchange did not answer in time; the request may still take effect (query before retrying). */
  Timeout: "TIMEOUT",
  /** 426: a plain HTTP request to the WebSocket endpoint. */
  UpgradeRequired: "UPGRADE_REQUIRED",
  /** 500: a bug; the message is always "internal error" and the cause is in the gateway's log. */
  Internal: "INTERNAL",
} as const;

/**
 * The typed error every {@link ExchangeApi} method throws for a request it refuses. The gateway answers it with
 * `statusCode` and the body `{ error: { code, message, details } }`, so `message` must be safe to show and tell the
 * caller what to change; `details` carries the offending values (bigints are sent as decimal strings).
 *
 * @example
 * throw new ApiError("INSUFFICIENT_MARGIN", 422, "equity 120 USD is below the 150 USD initial margin this order needs", {
 *   equityWad: 120n * WAD,
 *   initialMarginWad: 150n * WAD,
 * });
 */
export class ApiError extends Error {
  /** Machine-readable, upper snake case (see {@link ApiErrorCode}). */
  readonly code: string;
  /**
   * HTTP status: 400 invalid, 401 bad signature, 403 forbidden, 404 unknown, 409 conflict, 413 too large, 415 wrong media type,
   * 422 rejected by risk checks, 429 too many, 503 stopping.
   */
  readonly statusCode: ApiErrorStatus;
  /** The offending values, keyed by field name. */
  readonly details?: Record<string, unknown>;

  /**
   * @param code Machine-readable, upper snake case.
   * @param statusCode The HTTP status to answer with.
   * @param message What went wrong and what to change, for a person.
   * @param details The offending values, keyed by field name.
   * @param options `cause`: the underlying error, kept for the log.
   */
  constructor(
    code: string,
    statusCode: ApiErrorStatus,
    message: string,
    details?: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "ApiError";
    this.code = code;
    this.statusCode = statusCode;
    if (details !== undefined) this.details = details;
  }
}

/** The known values of {@link MarketView.status}: `MarketStatus` of the SDK in lower case (DESIGN §9). */
export type MarketStatusName = "draft" | "active" | "resolving" | "resolved" | "settled";

/** An order as the exchange reports it: the signed fields plus its progress. Amounts wad. */
export interface OrderView {
  /** EIP-712 digest of the order (lower-case 0x hex, 32 bytes). */
  hash: string;
  /** Checksummed account address. */
  account: string;
  marketId: number;
  side: Side;
  /** The order's flag byte (`OrderFlag` bits). */
  flags: number;
  /** uint64. */
  nonce: bigint;
  /** Unix seconds after which it no longer fills; 0 = good till cancelled. */
  expiry: bigint;
  sizeWad: bigint;
  /** Limit price. */
  priceWad: bigint;
  /** Stop or take-profit trigger against the mark; 0 when neither flag is set. */
  triggerPriceWad: bigint;
  /** Matched so far, settled or not. */
  filledWad: bigint;
  /** Of `filledWad`, the part settled on chain. */
  settledWad: bigint;
  status: OrderStatus;
  /** Why it left the book, when `status` is `cancelled`, `expired` or `rejected`. */
  reason?: string;
  /** Wall-clock arrival time (ms since the epoch). */
  receivedAtMs: number;
}

/** Where a fill stands on its way to the chain. */
export type SettlementState = "pending" | "batched" | "settled" | "dropped";

/** One match, at the maker's price. Amounts wad. */
export interface TradeView {
  /** Journal id of the fill. */
  fillId: number;
  marketId: number;
  makerHash: string;
  takerHash: string;
  takerSide: Side;
  sizeWad: bigint;
  priceWad: bigint;
  /** Wall-clock match time (ms since the epoch). */
  timestampMs: number;
  settlement: SettlementState;
}

/** A market's parameters and live figures. Prices wad (USD per unit of base; bounded markets 0..1e18). */
export interface MarketView {
  marketId: number;
  symbol: string;
  kind: "asset" | "bounded";
  /** Lifecycle in lower case, one of {@link MarketStatusName} (a string, so that a new status needs no API change). */
  status: string;
  /** Order sizes must be multiples of this. */
  lotSizeWad: bigint;
  /** Limit prices must be multiples of this. */
  tickSizeWad: bigint;
  minPriceWad: bigint;
  maxPriceWad: bigint;
  /** How far a fill price may lie from the mark (fraction for asset markets, absolute for bounded ones). */
  maxFillDeviationWad: bigint;
  /** Fraction of notional; negative is a rebate. */
  makerFeeWad: bigint;
  /** Fraction of notional. */
  takerFeeWad: bigint;
  /** Latest on-chain mark, when one was pushed. */
  markWad?: bigint;
  /** Latest on-chain index, when one was pushed. */
  indexWad?: bigint;
  /** Long open interest (= short open interest), base units. */
  openInterestWad: bigint;
  /** Cumulative funding index, USD per unit of size (signed). */
  cumulativeFundingWad: bigint;
  bestBidWad?: bigint;
  bestAskWad?: bigint;
}

/** One position of an account. Signed figures: long > 0, short < 0. */
export interface PositionView {
  marketId: number;
  /** Settled on-chain size, base units (signed). */
  sizeWad: bigint;
  /** Signed cost basis, USD. */
  openNotionalWad: bigint;
  /** Funding owed now, USD (> 0 the position pays). */
  pendingFundingWad: bigint;
  /** Matched but not yet settled size, base units (signed). */
  unsettledSizeWad: bigint;
}

/** An account's cross-margin state (DESIGN §6). Money in USD wad. */
export interface AccountView {
  /** Checksummed address. */
  account: string;
  /** Vault balance (signed: negative after bad debt). */
  balanceWad: bigint;
  pendingWithdrawalWad: bigint;
  /** Balance + unrealized PnL − pending funding (signed). */
  equityWad: bigint;
  initialMarginWad: bigint;
  maintenanceMarginWad: bigint;
  positions: PositionView[];
  /** Number of the account's resting and untriggered orders. */
  openOrders: number;
  /** The chain block the figures reflect. */
  lastProcessedBlock: number;
}

/** What placing an order did. */
export interface PlaceOrderResult {
  /** The order after matching. */
  order: OrderView;
  /** Fills it made as taker, in execution order. */
  fills: TradeView[];
  /** Resting orders of the same account cancelled by self-trade prevention. */
  cancelled: OrderView[];
}

/** A new mark and index price of a market (the oracle keeper's push, DESIGN §7). */
export interface MarkUpdate {
  marketId: number;
  markWad: bigint;
  indexWad: bigint;
  /** Observation time (unix seconds, as pushed on chain). */
  timestamp: number;
}

/** Funding applied to a market (`FundingApplied`, DESIGN §7). Signed: longs pay when positive. */
export interface FundingUpdate {
  marketId: number;
  /** USD per unit of size for this epoch. */
  fundingPerUnitWad: bigint;
  cumulativeFundingWad: bigint;
  /** uint32 epoch counter. */
  fundingEpoch: number;
  /** The premium the rate was computed from, when known (fraction). */
  premiumWad?: bigint;
  /** Unix seconds. */
  timestamp: number;
}

/** What the exchange's event emitter emits; each listener receives one argument. */
export type ExchangeEvents = {
  /** A book level changed; `sequence` matches {@link BookSnapshot.sequence}. */
  book: [BookDelta];
  /** A fill was matched, or its settlement state changed. */
  trade: [TradeView];
  /** An order changed (placed, filled, cancelled, expired, rejected, triggered). */
  order: [OrderView];
  mark: [MarkUpdate];
  funding: [FundingUpdate];
};

/** Filter of {@link ExchangeApi.orders}. */
export interface OrdersFilter {
  /** `open` (default): resting and untriggered orders; `all`: also recent final ones. */
  status?: "open" | "all";
  marketId?: number;
  /** Most recent first, at most this many. */
  limit?: number;
}

/** The dead-man switch state after a {@link ExchangeApi.scheduleCancel}. */
export interface ScheduledCancel {
  /** Checksummed address. */
  account: string;
  /** Unix seconds at which every order of the account is cancelled; 0 = no cancel scheduled. */
  cancelAt: bigint;
}

/** A maker order of a {@link LiquidationTicket}: the signed order and its EIP-712 digest (lower-case 0x hex). */
export type LiquidationMakerOrder = SignedOrder & { hash: string };

/**
 * Resting maker liquidity reserved for one book liquidation (DESIGN §8 stage 1): what the liquidator passes to
 * `PositionManager.liquidateOnBook(account, marketId, orders, signatures, fills)`. While the ticket is live its
 * liquidity is out of the book; the liquidator reports the outcome with `confirmLiquidation` or
 * `releaseLiquidation`, or the lease ends at `expiresAtMs` and the desk looks at the chain itself. Amounts wad.
 */
export interface LiquidationTicket {
  /** 32 random bytes (0x hex): the capability to confirm or release the ticket. */
  ticketId: string;
  /** The liquidated account (checksummed). */
  account: string;
  marketId: number;
  /** The liquidated account's closing side: "sell" closes a long (hits bids), "buy" closes a short. */
  side: Side;
  /** What the chain's partial-liquidation rule lets one call close, capped at the request's `maxSizeWad` (whole lots). */
  closeSizeWad: bigint;
  /** The maker orders, each once; `fills[i].makerIndex` indexes this array. */
  orders: LiquidationMakerOrder[];
  /** The `LiquidationFill`s, in price-time priority; EMPTY when the book cannot absorb anything within the band. */
  fills: LiquidationFill[];
  /** Σ fills' sizes, ≤ `closeSizeWad`. */
  filledSizeWad: bigint;
  /**
   * Lease end (ms since the epoch, wall clock). After it the desk checks the chain (`LiquidationFilled` logs) and
   * either records the liquidation or gives the liquidity back: do not broadcast the transaction after it.
   * 0 for a ticket without fills (nothing was reserved).
   */
  expiresAtMs: number;
}

/**
 * The matcher's liquidation desk, behind POST /v1/liquidations (DESIGN §8 stage 1). Every method throws
 * {@link ApiError}.
 */
export interface LiquidationApi {
  /**
   * Verifies a signed {@link LiquidationRequest} (deadline in (now, now + 120 s], signer holding `LIQUIDATOR_ROLE`,
   * account liquidatable at the indexer's marks and holding a position in the market), cancels the account's own
   * resting orders in the market and reserves maker liquidity within the liquidation band.
   * Throws 400 `INVALID_REQUEST` (deadline), 401 `BAD_SIGNATURE`, 403 `FORBIDDEN`, 404 `NOT_FOUND` (market),
   * 409 `ACCOUNT_HEALTHY`, 409 `LIQUIDATION_IN_PROGRESS` (a live ticket for the same account and market),
   * 422 `NO_POSITION`, 503.
   */
  reserveLiquidation(request: LiquidationRequest, signature: string): Promise<LiquidationTicket>;
  /**
   * Reports the liquidation transaction: a successful receipt whose `LiquidationFilled` logs match the ticket's fills
   * records them (`landed`; fills absent from the logs go back to the book), a reverted one gives the liquidity back
   * (`released`). Fills already released (lease ended) that the transaction carries are recorded as landed after all.
   * Throws 404 `NOT_FOUND` (ticket), 409 `CONFLICT` (not mined yet: retry; or a transaction that does not carry the
   * ticket's fills), 503.
   */
  confirmLiquidation(ticketId: string, txHash: string): Promise<{ status: "landed" | "released" }>;
  /**
   * Gives the ticket's liquidity back to the book; the maker order `culpritMakerHash` (the one that made the chain
   * refuse the liquidation) is cancelled instead. Idempotent for a released ticket. Throws 404 `NOT_FOUND`,
   * 409 `CONFLICT` (the ticket landed), 503.
   */
  releaseLiquidation(ticketId: string, culpritMakerHash?: string): Promise<{ status: "released" }>;
}

/**
 * The exchange service behind the gateway. Every method throws {@link ApiError} for a request it refuses; any other
 * error is treated as a bug (500). Inputs arrive schema-checked: addresses checksummed, hashes lower-case, uint fields
 * within their Solidity range, signatures 0x hex of at most 4 KiB; semantic checks (flags, lots, ticks, signatures,
 * margin, deadlines) are the service's.
 */
export interface ExchangeApi {
  /** Checks and matches a signed order. Throws 400/401/409/422/429/503. */
  placeOrder(order: Order, signature: string): Promise<PlaceOrderResult>;
  /** Cancels one order (idempotent for an order already cancelled). Throws 401/404/409/503. */
  cancelOrder(request: CancelOrderRequest, signature: string): Promise<OrderView>;
  /** Cancels every resting order of the account (marketId 0: every market); returns them. Throws 400/401/409/503. */
  cancelAll(request: CancelAllRequest, signature: string): Promise<OrderView[]>;
  /** Sets, moves or clears (`cancelAt` 0) the dead-man switch. Throws 400/401/409/503. */
  scheduleCancel(request: ScheduleCancelRequest, signature: string): Promise<ScheduledCancel>;
  /** Every listed market. */
  markets(): Promise<MarketView[]>;
  /** The book, `depth` best levels per side. Throws ApiError 404 for an unknown market. */
  book(marketId: number, depth: number): BookSnapshot;
  /**
   * Impact bid and ask of a market for a market order of `impactNotionalWad` USD (wad): what the funding keeper
   * samples every few seconds (DESIGN §7). Throws ApiError 404 for an unknown market.
   */
  impactPrices(marketId: number, impactNotionalWad: bigint): ImpactPrices;
  /** The account's orders (an empty list for an account never seen). */
  orders(account: string, filter: OrdersFilter): OrderView[];
  /** One order by hash, if the exchange knows it. */
  order(hash: string): OrderView | undefined;
  /** The account's margin state (all zero for an account never seen). */
  account(address: string): Promise<AccountView>;
  /** The market's latest trades, most recent first. Throws ApiError 404 for an unknown market. */
  trades(marketId: number, limit: number): TradeView[];
  /** The liquidation desk; absent, the liquidation routes answer 404 `NOT_FOUND`. */
  readonly liquidations?: LiquidationApi;
  /**
   * Live events. Emit synchronously and in order; the gateway's listeners never throw and never block (they queue
   * frames to sockets).
   */
  readonly events: EventEmitter<ExchangeEvents>;
}
