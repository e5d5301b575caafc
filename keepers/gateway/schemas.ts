/**
 * JSON schemas of the gateway's wire types: the views of ./api.ts (bigints as decimal strings), the signed requests
 * of keepers/sdk (orders, cancels and liquidation requests) and the WebSocket messages. They drive request validation (uint ranges
 * included, see ./formats.ts), response serialization, the OpenAPI document and the client's decoding (./wire.ts).
 * Every object is closed (`additionalProperties: false`): an unknown field in a request is an error, not ignored.
 */
import { MAX_SIGNATURE_BYTES, WIRE_FORMATS, type WireFormatName } from "./formats";
import type { DecodableSchema } from "./wire";

/** A JSON schema (draft-07 subset) as this module builds it. */
export interface JsonSchema extends DecodableSchema {
  [keyword: string]: unknown;
}

/** Largest book depth a query or a subscription may ask for (levels per side). */
export const MAX_BOOK_DEPTH = 500;
/** Book depth when none is asked for. */
export const DEFAULT_BOOK_DEPTH = 50;
/** Largest `limit` of a list query. */
export const MAX_LIST_LIMIT = 1000;
/** `limit` of a list query when none is given. */
export const DEFAULT_LIST_LIMIT = 100;
/** Largest uint32 (market ids). */
export const MAX_UINT32 = 4_294_967_295;

/** A string of a Keel wire format (decimal uint/int, address, hash, signature). */
export function wireString(format: WireFormatName, description?: string): JsonSchema {
  const { pattern, maxLength } = WIRE_FORMATS[format];
  return { type: "string", format, pattern, maxLength, ...(description ? { description } : {}) };
}

/** A JSON integer in [minimum, maximum]. */
export function integer(minimum: number, maximum: number, description?: string): JsonSchema {
  return { type: "integer", minimum, maximum, ...(description ? { description } : {}) };
}

/** A closed object; every property is required except those named in `optional`. */
export function object(
  properties: Record<string, JsonSchema>,
  optional: readonly string[] = [],
  description?: string,
): JsonSchema {
  return {
    type: "object",
    additionalProperties: false,
    required: Object.keys(properties).filter((key) => !optional.includes(key)),
    properties,
    ...(description ? { description } : {}),
  };
}

/** An array of `items`. */
export function arrayOf(items: JsonSchema, description?: string): JsonSchema {
  return { type: "array", items, ...(description ? { description } : {}) };
}

/** One of the given strings. */
export function oneOf(values: readonly string[], description?: string): JsonSchema {
  return { type: "string", enum: [...values], ...(description ? { description } : {}) };
}

/* PRIMITIVES */

const marketId = integer(0, MAX_UINT32, "Market id (uint32).");
const side = oneOf(["buy", "sell"]);
const timeMs = integer(0, Number.MAX_SAFE_INTEGER, "Milliseconds since the epoch.");
const unixSeconds = integer(0, Number.MAX_SAFE_INTEGER, "Unix seconds.");
const uint = (description: string) => wireString("uint256", description);
const int = (description: string) => wireString("int256", description);
const orderStatus = oneOf(["open", "untriggered", "filled", "cancelled", "expired", "rejected"]);

/* VIEWS (responses) */

/** {@link OrderView}. */
export const orderViewSchema = object(
  {
    hash: wireString("bytes32", "EIP-712 digest of the order."),
    account: wireString("address"),
    marketId,
    side,
    flags: integer(0, 255, "Flag byte: 1 buy, 2 reduce-only, 4 post-only, 8 IOC, 16 stop, 32 take-profit."),
    nonce: wireString("uint64"),
    expiry: wireString("uint64", "Unix seconds; 0 = good till cancelled."),
    sizeWad: uint("Order size, wad."),
    priceWad: uint("Limit price, wad."),
    triggerPriceWad: uint("Stop or take-profit trigger, wad (0 when neither)."),
    filledWad: uint("Matched so far, wad."),
    settledWad: uint("Settled on chain so far, wad."),
    status: orderStatus,
    reason: { type: "string", description: "Why the order left the book." },
    receivedAtMs: timeMs,
  },
  ["reason"],
  "An order and its progress.",
);

/** {@link TradeView}. */
export const tradeViewSchema = object(
  {
    fillId: integer(0, Number.MAX_SAFE_INTEGER),
    marketId,
    makerHash: wireString("bytes32"),
    takerHash: wireString("bytes32"),
    takerSide: side,
    sizeWad: uint("Fill size, wad."),
    priceWad: uint("Fill price (the maker's), wad."),
    timestampMs: timeMs,
    settlement: oneOf(["pending", "batched", "settled", "dropped"]),
  },
  [],
  "A fill at the maker's price.",
);

/** {@link MarketView}. */
export const marketViewSchema = object(
  {
    marketId,
    symbol: { type: "string" },
    kind: oneOf(["asset", "bounded"]),
    status: { type: "string", description: "Lifecycle: draft, active, resolving, resolved or settled." },
    lotSizeWad: uint("Order sizes are multiples of this, wad."),
    tickSizeWad: uint("Limit prices are multiples of this, wad."),
    minPriceWad: uint("Lowest accepted price, wad."),
    maxPriceWad: uint("Highest accepted price, wad."),
    maxFillDeviationWad: uint("Largest distance of a fill price from the mark, wad."),
    makerFeeWad: int("Maker fee, fraction of notional (negative: rebate), wad."),
    takerFeeWad: uint("Taker fee, fraction of notional, wad."),
    markWad: uint("Latest mark price, wad."),
    indexWad: uint("Latest index price, wad."),
    openInterestWad: uint("Open interest, base units, wad."),
    cumulativeFundingWad: int("Cumulative funding index, USD per unit, wad."),
    bestBidWad: uint("Best bid, wad."),
    bestAskWad: uint("Best ask, wad."),
  },
  ["markWad", "indexWad", "bestBidWad", "bestAskWad"],
  "A market's parameters and live figures.",
);

/** {@link PositionView}. */
export const positionViewSchema = object({
  marketId,
  sizeWad: int("Settled size, base units, wad (long > 0)."),
  openNotionalWad: int("Signed cost basis, USD wad."),
  pendingFundingWad: int("Funding owed now, USD wad (> 0 pays)."),
  unsettledSizeWad: int("Matched but unsettled size, wad."),
});

/** {@link AccountView}. */
export const accountViewSchema = object(
  {
    account: wireString("address"),
    balanceWad: int("Vault balance, USD wad."),
    pendingWithdrawalWad: uint("Requested withdrawal, USD wad."),
    equityWad: int("Balance + unrealized PnL − pending funding, USD wad."),
    initialMarginWad: uint("USD wad."),
    maintenanceMarginWad: uint("USD wad."),
    positions: arrayOf(positionViewSchema),
    openOrders: integer(0, Number.MAX_SAFE_INTEGER),
    lastProcessedBlock: integer(0, Number.MAX_SAFE_INTEGER),
  },
  [],
  "An account's cross-margin state.",
);

const bookLevelSchema = object({
  priceWad: uint("Level price, wad."),
  sizeWad: uint("Total size at the level, wad."),
  orderCount: integer(0, Number.MAX_SAFE_INTEGER),
});

/** {@link BookSnapshot}: best levels first. */
export const bookSnapshotSchema = object(
  {
    marketId,
    bids: arrayOf(bookLevelSchema),
    asks: arrayOf(bookLevelSchema),
    sequence: integer(0, Number.MAX_SAFE_INTEGER, "Book version; deltas carry the same counter."),
  },
  [],
  "A market's book, best levels first.",
);

/** {@link BookDelta}: a level's new total (0 removes it). */
export const bookDeltaSchema = object({
  marketId,
  side,
  priceWad: uint("Level price, wad."),
  sizeWad: uint("The level's new total, wad (0 removes it)."),
  sequence: integer(0, Number.MAX_SAFE_INTEGER),
});

/** {@link MarkUpdate}. */
export const markUpdateSchema = object({
  marketId,
  markWad: uint("Mark price, wad."),
  indexWad: uint("Index price, wad."),
  timestamp: unixSeconds,
});

/** {@link FundingUpdate}. */
export const fundingUpdateSchema = object(
  {
    marketId,
    fundingPerUnitWad: int("USD per unit of size this epoch, wad (> 0 longs pay)."),
    cumulativeFundingWad: int("Cumulative funding index, wad."),
    fundingEpoch: integer(0, MAX_UINT32),
    premiumWad: int("Premium the rate came from, wad."),
    timestamp: unixSeconds,
  },
  ["premiumWad"],
);

/** {@link PlaceOrderResult}. */
export const placeOrderResultSchema = object(
  {
    order: orderViewSchema,
    fills: arrayOf(tradeViewSchema, "Fills the order made as taker, in execution order."),
    cancelled: arrayOf(orderViewSchema, "Own resting orders cancelled by self-trade prevention."),
  },
  [],
  "The order after matching, its fills and self-trade cancellations.",
);

/** {@link ScheduledCancel}. */
export const scheduledCancelSchema = object(
  {
    account: wireString("address"),
    cancelAt: wireString("uint64", "Unix seconds; 0 = none scheduled."),
  },
  [],
  "The dead-man switch now.",
);

/** The body of every error response. */
export const errorResponseSchema = object({
  error: object(
    {
      code: { type: "string", description: "Machine-readable, e.g. INVALID_REQUEST, BAD_SIGNATURE, REJECTED." },
      message: { type: "string", description: "What went wrong and what to change." },
      details: { type: "object", additionalProperties: true, description: "Offending values by field name." },
    },
    ["details"],
  ),
});

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: "Invalid request: malformed JSON, or a field missing, of the wrong type, out of range or unknown (the message names it).",
  401: "The signature does not recover to the account or one of its approved agents.",
  403: "The signer may not do this (a liquidation request signed without LIQUIDATOR_ROLE).",
  404: "Unknown market, order or account.",
  409: "Conflicts with the current state (e.g. a nonce already used, an order already final).",
  413: "The body is larger than the gateway accepts.",
  415: "The body is not application/json.",
  422: "Refused by the exchange's checks (margin, reduce-only, price band, post-only, lot, tick, expiry, deadline).",
  429: "Too many requests from this client; retry later.",
  500: "A bug in the exchange; the response carries a request id for the operator.",
  426: "Not a WebSocket upgrade.",
  503: "The exchange is shutting down and takes no new orders or cancels; queries still work.",
};

/** Response schemas (with descriptions for the OpenAPI document) of the given error statuses. */
export function errorResponses(...statuses: number[]): Record<number, JsonSchema> {
  return Object.fromEntries(
    statuses.map((status) => [status, { ...errorResponseSchema, description: ERROR_DESCRIPTIONS[status] }]),
  );
}

/* SIGNED REQUESTS (bodies) */

/** The EIP-712 `Order` of keepers/sdk/orders.ts. */
export const orderSchema = object(
  {
    account: wireString("address", "The account whose position the order moves."),
    marketId,
    flags: integer(0, 63, "Flag byte: 1 buy, 2 reduce-only, 4 post-only, 8 IOC, 16 stop, 32 take-profit."),
    nonce: wireString("uint64"),
    expiry: wireString("uint64", "Unix seconds; 0 = good till cancelled."),
    size: wireString("uint128", "Size, wad."),
    price: wireString("uint128", "Limit price, wad."),
    triggerPrice: wireString("uint128", "Stop or take-profit trigger, wad (0 when neither)."),
  },
  [],
  "The EIP-712 Order, exactly as signed.",
);

const signature = wireString(
  "signature",
  `EIP-712 signature by the account or an approved agent (65 bytes), or an ERC-1271 signature (≤ ${MAX_SIGNATURE_BYTES} bytes).`,
);

/** `CancelOrder(address account,bytes32 orderHash)`. */
export const cancelOrderRequestSchema = object({
  account: wireString("address"),
  orderHash: wireString("bytes32", "EIP-712 digest of the order to cancel."),
});

/** `CancelAll(address account,uint32 marketId,uint64 deadline)`. */
export const cancelAllRequestSchema = object({
  account: wireString("address"),
  marketId: integer(0, MAX_UINT32, "0 for every market."),
  deadline: wireString("uint64", "Unix seconds; at most 120 s ahead."),
});

/** `ScheduleCancel(address account,uint64 cancelAt,uint64 deadline)`. */
export const scheduleCancelRequestSchema = object({
  account: wireString("address"),
  cancelAt: wireString("uint64", "Unix seconds at which every order is cancelled; 0 clears the switch."),
  deadline: wireString("uint64", "Unix seconds; at most 120 s ahead."),
});

/** `{ order, signature }`. */
export const placeOrderBodySchema = object({ order: orderSchema, signature });

/* LIQUIDATIONS */

/** `LiquidationRequest(address account,uint32 marketId,uint256 maxSizeWad,uint64 deadline)`. */
export const liquidationRequestSchema = object({
  account: wireString("address", "The account to liquidate."),
  marketId,
  maxSizeWad: wireString("uint256", "The most to close, base units, wad."),
  deadline: wireString("uint64", "Unix seconds (chain time); after now and at most 120 s ahead."),
});

/** {@link LiquidationTicket}. */
export const liquidationTicketSchema = object(
  {
    ticketId: wireString("bytes32", "32 random bytes: the capability to confirm or release the ticket."),
    account: wireString("address", "The liquidated account."),
    marketId,
    side: oneOf(["buy", "sell"], "The liquidated account's closing side (sell closes a long against bids)."),
    closeSizeWad: uint("What one liquidateOnBook call may close (partial rule, capped at maxSizeWad), wad."),
    orders: arrayOf(
      object({ order: orderSchema, signature, hash: wireString("bytes32", "EIP-712 digest of the order.") }),
      "The maker orders, each once (liquidateOnBook's orders and signatures).",
    ),
    fills: arrayOf(
      object({
        makerIndex: integer(0, MAX_UINT32, "Index into orders."),
        sizeWad: wireString("uint128", "Fill size, wad (whole lots)."),
        priceWad: wireString("uint128", "Fill price (the maker's limit), wad."),
      }),
      "liquidateOnBook's LiquidationFill[]; empty when the book cannot absorb anything within the band.",
    ),
    filledSizeWad: uint("Σ fill sizes, wad."),
    expiresAtMs: integer(0, Number.MAX_SAFE_INTEGER, "Lease end (ms since the epoch); 0 when nothing was reserved."),
  },
  [],
  "Maker liquidity reserved for one book liquidation.",
);

/** `:ticketId`. */
export const ticketParamsSchema = object({ ticketId: wireString("bytes32", "The ticket's id.") });

/** The body of POST /v1/liquidations/:ticketId/landed. */
export const liquidationLandedBodySchema = object({
  txHash: wireString("bytes32", "Hash of the liquidateOnBook transaction sent with the ticket."),
});

/** The body of POST /v1/liquidations/:ticketId/release. */
export const liquidationReleaseBodySchema = object(
  {
    culpritMakerHash: wireString(
      "bytes32",
      "The ticket's maker order that made the chain refuse the liquidation: cancelled instead of returned.",
    ),
  },
  ["culpritMakerHash"],
);

/** A ticket's outcome, one of `statuses`. */
export function liquidationStatusSchema(statuses: readonly string[]): JsonSchema {
  return object({ status: oneOf(statuses) }, [], "The ticket's outcome.");
}

/** `{ request, signature }` for one of the signed cancel requests. */
export function signedRequestBodySchema(request: JsonSchema): JsonSchema {
  return object({ request, signature });
}

/* PARAMS AND QUERIES */

/** `:marketId`. */
export const marketParamsSchema = object({ marketId });
/** `:account`. */
export const accountParamsSchema = object({ account: wireString("address") });
/** `:hash`. */
export const hashParamsSchema = object({ hash: wireString("bytes32", "EIP-712 digest of the order.") });

const depth = {
  ...integer(1, MAX_BOOK_DEPTH, "Levels per side."),
  default: DEFAULT_BOOK_DEPTH,
};
const limit = {
  ...integer(1, MAX_LIST_LIMIT, "Most recent first, at most this many."),
  default: DEFAULT_LIST_LIMIT,
};

/** `?depth=`. */
export const bookQuerySchema = object({ depth }, ["depth"]);
/** `?notionalWad=`: the impact notional (USD, wad). */
export const impactQuerySchema = object({
  notionalWad: wireString("uint128", "Impact notional (USD, wad): the size of the hypothetical market order."),
});

/** {@link ImpactPrices}: average execution prices of a market order of the impact notional. */
export const impactPricesSchema = object(
  {
    marketId,
    impactNotionalWad: uint("Impact notional (USD, wad)."),
    impactBidWad: uint("Average price selling the notional into the bids (wad); absent when the bids are too thin."),
    impactAskWad: uint("Average price buying the notional from the asks (wad); absent when the asks are too thin."),
    timestampMs: integer(0, Number.MAX_SAFE_INTEGER, "When the book was read (ms since the epoch)."),
  },
  ["impactBidWad", "impactAskWad"],
  "Impact bid and ask (Hyperliquid's definition, DESIGN §7), the funding keeper's premium input.",
);

/** `?limit=`. */
export const tradesQuerySchema = object({ limit }, ["limit"]);
/** `?status=&marketId=&limit=`. */
export const ordersQuerySchema = object(
  {
    status: {
      ...oneOf(["open", "all"], "open: resting and untriggered; all: also recent final orders."),
      default: "open",
    },
    marketId,
    limit,
  },
  ["status", "marketId", "limit"],
);

/* WEBSOCKET */

/** The WebSocket channels. */
export const CHANNELS = ["book", "trades", "orders", "mark", "funding"] as const;

/** A WebSocket channel. */
export type Channel = (typeof CHANNELS)[number];

/** A message a WebSocket client sends. */
export const clientMessageSchema = object(
  {
    op: oneOf(["subscribe", "unsubscribe", "ping"]),
    channel: oneOf(CHANNELS),
    marketId,
    account: wireString("address", "The account whose orders to follow (orders channel only)."),
    depth: integer(1, MAX_BOOK_DEPTH, "Levels per side of the book snapshot (book channel only)."),
    id: {
      type: ["string", "integer"],
      maxLength: 64,
      minimum: 0,
      maximum: Number.MAX_SAFE_INTEGER,
      description: "Echoed in the reply.",
    },
  },
  ["channel", "marketId", "account", "depth", "id"],
);

/** The data of an `update` message, per channel. */
export const channelDataSchemas = {
  book: bookDeltaSchema,
  trades: tradeViewSchema,
  orders: orderViewSchema,
  mark: markUpdateSchema,
  funding: fundingUpdateSchema,
} as const satisfies Record<Channel, JsonSchema>;
