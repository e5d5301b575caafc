/**
 * The HTTP routes under /v1 (DESIGN §10): signed writes (place order, cancel, cancel-all, schedule-cancel), the
 * liquidation desk (reserve, landed, release; DESIGN §8 stage 1) and queries (markets, book, trades, account, orders, one order). Each route declares its params, query, body and
 * responses as JSON schemas (./schemas.ts), which validate the request, serialize the response and document the route
 * in the OpenAPI document. Handlers decode the validated JSON into bigints, call the {@link ExchangeApi} and encode
 * its answer; they hold no state.
 */
import type { FastifyInstance, onRequestHookHandler } from "fastify";
import type { SignedOrder } from "../sdk/batch";
import type { CancelAllRequest, CancelOrderRequest, ScheduleCancelRequest } from "../sdk/cancels";
import type { LiquidationRequest } from "../sdk/liquidations";
import { ApiError, ApiErrorCode, type ExchangeApi, type LiquidationApi, type OrdersFilter } from "./api";
import {
  accountParamsSchema,
  accountViewSchema,
  arrayOf,
  bookQuerySchema,
  bookSnapshotSchema,
  cancelAllRequestSchema,
  cancelOrderRequestSchema,
  errorResponses,
  hashParamsSchema,
  impactPricesSchema,
  impactQuerySchema,
  liquidationLandedBodySchema,
  liquidationReleaseBodySchema,
  liquidationRequestSchema,
  liquidationStatusSchema,
  liquidationTicketSchema,
  marketParamsSchema,
  marketViewSchema,
  object,
  orderViewSchema,
  ordersQuerySchema,
  placeOrderBodySchema,
  placeOrderResultSchema,
  scheduleCancelRequestSchema,
  scheduledCancelSchema,
  signedRequestBodySchema,
  ticketParamsSchema,
  tradeViewSchema,
  tradesQuerySchema,
  type JsonSchema,
} from "./schemas";
import { fromWire, toWire } from "./wire";

const WRITE_ERRORS = errorResponses(400, 401, 404, 409, 413, 415, 422, 429, 500, 503);
const QUERY_ERRORS = errorResponses(400, 404, 500);
const LIQUIDATION_ERRORS = errorResponses(400, 401, 403, 404, 409, 413, 415, 422, 429, 500, 503);

/** What the routes need besides the service. */
export interface RouteContext {
  api: ExchangeApi;
  /** Runs before a write route parses its body: refuses it while stopping (503) or over the client's rate (429). */
  guardWrite: onRequestHookHandler;
  /** Bounds the wait for an asynchronous service call (see {@link withTimeout}). */
  within<T>(call: Promise<T>): Promise<T>;
}

/**
 * `call`'s result, or ApiError 503 `TIMEOUT` once `timeoutMs` has passed. The call itself is not cancelled (a write
 * may still take effect, which the message tells the caller); if it fails after the timeout, `onLateError` hears it.
 */
export async function withTimeout<T>(
  call: Promise<T>,
  timeoutMs: number,
  onLateError: (error: unknown) => void,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      call.catch(onLateError);
      const message =
        `the exchange did not answer within ${timeoutMs} ms; the request may still take effect, ` +
        "so query it (e.g. GET /v1/orders/:hash) before sending it again";
      reject(new ApiError(ApiErrorCode.Timeout, 503, message, { timeoutMs }));
    }, timeoutMs);
  });
  try {
    return await Promise.race([call, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** One signed write route: `{ request, signature }` → the service call → the wrapped result. */
interface SignedRoute<Request> {
  path: string;
  /** OpenAPI tag (default "cancels"). */
  tag?: string;
  /** Error responses documented (default every write error but 403). */
  errors?: Record<number, JsonSchema>;
  operationId: string;
  summary: string;
  description: string;
  request: JsonSchema;
  response: JsonSchema;
  call(request: Request, signature: string): Promise<unknown>;
}

function registerSignedRoute<Request>(app: FastifyInstance, context: RouteContext, route: SignedRoute<Request>): void {
  const body = signedRequestBodySchema(route.request);
  app.post(
    route.path,
    {
      onRequest: context.guardWrite,
      schema: {
        tags: [route.tag ?? "cancels"],
        operationId: route.operationId,
        summary: route.summary,
        description: route.description,
        body,
        response: { 200: route.response, ...(route.errors ?? WRITE_ERRORS) },
      },
    },
    async (request) => {
      const { request: signed, signature } = fromWire<{ request: Request; signature: string }>(body, request.body);
      return toWire(await context.within(route.call(signed, signature)));
    },
  );
}

/** One liquidation ticket route: POST /v1/liquidations/:ticketId/<action> with a JSON body. */
interface TicketRoute<Body> {
  action: string;
  operationId: string;
  summary: string;
  description: string;
  body: JsonSchema;
  response: JsonSchema;
  call(desk: LiquidationApi, ticketId: string, body: Body): Promise<unknown>;
}

/** The exchange's liquidation desk, or ApiError 404 when it runs none. */
function deskOf(api: ExchangeApi): LiquidationApi {
  if (api.liquidations) return api.liquidations;
  throw new ApiError(ApiErrorCode.NotFound, 404, "this exchange runs no liquidation desk");
}

function registerTicketRoute<Body>(app: FastifyInstance, context: RouteContext, route: TicketRoute<Body>): void {
  app.post(
    `/v1/liquidations/:ticketId/${route.action}`,
    {
      onRequest: context.guardWrite,
      schema: {
        tags: ["liquidations"],
        operationId: route.operationId,
        summary: route.summary,
        description: route.description,
        params: ticketParamsSchema,
        body: route.body,
        response: { 200: route.response, ...LIQUIDATION_ERRORS },
      },
    },
    async (request) => {
      const { ticketId } = fromWire<{ ticketId: string }>(ticketParamsSchema, request.params);
      const body = fromWire<Body>(route.body, request.body);
      return toWire(await context.within(route.call(deskOf(context.api), ticketId, body)));
    },
  );
}

/** Registers the liquidation desk's routes (DESIGN §8 stage 1). */
function registerLiquidationRoutes(app: FastifyInstance, context: RouteContext): void {
  registerSignedRoute<LiquidationRequest>(app, context, {
    path: "/v1/liquidations",
    tag: "liquidations",
    errors: LIQUIDATION_ERRORS,
    operationId: "reserveLiquidation",
    summary: "Reserve book liquidity for a liquidation (signed LiquidationRequest)",
    description:
      "For a liquidator holding LIQUIDATOR_ROLE: checks the EIP-712 `LiquidationRequest(address account,uint32 " +
      "marketId,uint256 maxSizeWad,uint64 deadline)` (deadline after now, at most 120 s ahead), that the account is " +
      "liquidatable and holds a position in the market, cancels its resting orders there and reserves resting maker " +
      "orders within the liquidation band for a lease. The ticket carries liquidateOnBook's orders, signatures and " +
      "fills (empty when the book cannot absorb anything). 409 LIQUIDATION_IN_PROGRESS while another ticket of the " +
      "account and market is live; 409 ACCOUNT_HEALTHY; 422 NO_POSITION; 403 FORBIDDEN without the role.",
    request: liquidationRequestSchema,
    response: liquidationTicketSchema,
    call: (request, signature) => deskOf(context.api).reserveLiquidation(request, signature),
  });

  registerTicketRoute<{ txHash: string }>(app, context, {
    action: "landed",
    operationId: "confirmLiquidation",
    summary: "Report the liquidateOnBook transaction of a ticket",
    description:
      "A successful transaction whose LiquidationFilled logs match the ticket's fills records them (landed; fills " +
      "it does not carry go back to the book); a reverted one releases the liquidity. 409 CONFLICT while the " +
      "transaction is not mined: retry.",
    body: liquidationLandedBodySchema,
    response: liquidationStatusSchema(["landed", "released"]),
    call: (desk, ticketId, body) => desk.confirmLiquidation(ticketId, body.txHash),
  });

  registerTicketRoute<{ culpritMakerHash?: string }>(app, context, {
    action: "release",
    operationId: "releaseLiquidation",
    summary: "Give a ticket's liquidity back to the book",
    description:
      "The liquidation will not land: the maker orders get their liquidity back, except `culpritMakerHash` (the " +
      "ticket's order that made the chain refuse it), which is cancelled. Idempotent for a released ticket.",
    body: liquidationReleaseBodySchema,
    response: liquidationStatusSchema(["released"]),
    call: (desk, ticketId, body) => desk.releaseLiquidation(ticketId, body.culpritMakerHash),
  });
}

/** Registers every /v1 HTTP route on `app`. */
export function registerRoutes(app: FastifyInstance, context: RouteContext): void {
  const { api, within } = context;

  app.post(
    "/v1/orders",
    {
      onRequest: context.guardWrite,
      schema: {
        tags: ["orders"],
        operationId: "placeOrder",
        summary: "Place a signed order",
        description:
          "Checks the EIP-712 signature (account, approved agent or ERC-1271), flags, lot, tick, price band and " +
          "margin, then matches the order. Returns the order after matching, the fills it made as taker and any own " +
          "resting orders cancelled by self-trade prevention. Amounts are wad decimal strings.",
        body: placeOrderBodySchema,
        response: { 201: placeOrderResultSchema, ...WRITE_ERRORS },
      },
    },
    async (request, reply) => {
      const { order, signature } = fromWire<SignedOrder>(placeOrderBodySchema, request.body);
      const result = await within(api.placeOrder(order, signature));
      void reply.code(201);
      return toWire(result);
    },
  );

  registerSignedRoute<CancelOrderRequest>(app, context, {
    path: "/v1/cancel",
    operationId: "cancelOrder",
    summary: "Cancel one order (signed CancelOrder)",
    description:
      "Cancels the order with this EIP-712 digest off chain (idempotent). The request is the EIP-712 " +
      "`CancelOrder(address account,bytes32 orderHash)` under the Keel domain, signed by the account or an agent.",
    request: cancelOrderRequestSchema,
    response: object({ order: orderViewSchema }, [], "The order, now cancelled."),
    call: async (request, signature) => ({ order: await api.cancelOrder(request, signature) }),
  });

  registerSignedRoute<CancelAllRequest>(app, context, {
    path: "/v1/cancel-all",
    operationId: "cancelAll",
    summary: "Cancel every resting order (signed CancelAll)",
    description:
      "Cancels every resting and untriggered order of the account in `marketId` (0: every market). The request is " +
      "`CancelAll(address account,uint32 marketId,uint64 deadline)`; the deadline lies at most 120 s ahead and each " +
      "signature is accepted once.",
    request: cancelAllRequestSchema,
    response: object({ cancelled: arrayOf(orderViewSchema) }, [], "The orders cancelled."),
    call: async (request, signature) => ({ cancelled: await api.cancelAll(request, signature) }),
  });

  registerSignedRoute<ScheduleCancelRequest>(app, context, {
    path: "/v1/schedule-cancel",
    operationId: "scheduleCancel",
    summary: "Set the dead-man switch (signed ScheduleCancel)",
    description:
      "At `cancelAt` (unix seconds) every order of the account is cancelled unless a newer request moves it; " +
      "`cancelAt` 0 clears it. The request is `ScheduleCancel(address account,uint64 cancelAt,uint64 deadline)`.",
    request: scheduleCancelRequestSchema,
    response: scheduledCancelSchema,
    call: (request, signature) => api.scheduleCancel(request, signature),
  });

  registerLiquidationRoutes(app, context);

  app.get(
    "/v1/markets",
    {
      schema: {
        tags: ["markets"],
        operationId: "markets",
        summary: "List markets",
        description: "Every listed market with its parameters, mark, index, open interest, funding and best prices.",
        response: {
          200: object({ markets: arrayOf(marketViewSchema) }, [], "Every listed market."),
          ...errorResponses(500),
        },
      },
    },
    async () => ({ markets: toWire(await within(api.markets())) }),
  );

  app.get(
    "/v1/markets/:marketId/book",
    {
      schema: {
        tags: ["markets"],
        operationId: "book",
        summary: "Order book",
        description: "Aggregated levels, best first, with the sequence number that WebSocket book deltas continue.",
        params: marketParamsSchema,
        querystring: bookQuerySchema,
        response: { 200: bookSnapshotSchema, ...QUERY_ERRORS },
      },
    },
    async (request) => {
      const { marketId } = request.params as { marketId: number };
      const { depth } = request.query as { depth: number };
      return toWire(api.book(marketId, depth));
    },
  );

  app.get(
    "/v1/markets/:marketId/impact",
    {
      schema: {
        tags: ["markets"],
        operationId: "impactPrices",
        summary: "Impact bid and ask",
        description:
          "Average execution prices of a market order of `notionalWad` USD against the bids and the asks: the premium " +
          "input of the funding keeper (DESIGN §7).",
        params: marketParamsSchema,
        querystring: impactQuerySchema,
        response: { 200: impactPricesSchema, ...QUERY_ERRORS },
      },
    },
    async (request) => {
      const { marketId } = request.params as { marketId: number };
      const { notionalWad } = request.query as { notionalWad: string };
      return toWire(api.impactPrices(marketId, BigInt(notionalWad)));
    },
  );

  app.get(
    "/v1/markets/:marketId/trades",
    {
      schema: {
        tags: ["markets"],
        operationId: "trades",
        summary: "Recent trades",
        description: "The market's latest fills, most recent first, with their settlement state.",
        params: marketParamsSchema,
        querystring: tradesQuerySchema,
        response: { 200: object({ trades: arrayOf(tradeViewSchema) }, [], "Recent trades."), ...QUERY_ERRORS },
      },
    },
    async (request) => {
      const { marketId } = request.params as { marketId: number };
      const { limit } = request.query as { limit: number };
      return { trades: toWire(api.trades(marketId, limit)) };
    },
  );

  app.get(
    "/v1/accounts/:account",
    {
      schema: {
        tags: ["accounts"],
        operationId: "account",
        summary: "Account margin state",
        description: "Balance, equity, initial and maintenance margin, positions (settled and unsettled), open orders.",
        params: accountParamsSchema,
        response: { 200: accountViewSchema, ...QUERY_ERRORS },
      },
    },
    async (request) => {
      const { account } = fromWire<{ account: string }>(accountParamsSchema, request.params);
      return toWire(await within(api.account(account)));
    },
  );

  app.get(
    "/v1/accounts/:account/orders",
    {
      schema: {
        tags: ["accounts"],
        operationId: "orders",
        summary: "An account's orders",
        description: "Open (resting and untriggered) orders by default; `status=all` adds recent final ones.",
        params: accountParamsSchema,
        querystring: ordersQuerySchema,
        response: { 200: object({ orders: arrayOf(orderViewSchema) }, [], "The account's orders."), ...QUERY_ERRORS },
      },
    },
    async (request) => {
      const { account } = fromWire<{ account: string }>(accountParamsSchema, request.params);
      const filter = request.query as OrdersFilter;
      return { orders: toWire(api.orders(account, filter)) };
    },
  );

  app.get(
    "/v1/orders/:hash",
    {
      schema: {
        tags: ["orders"],
        operationId: "order",
        summary: "One order by hash",
        description: "The order with this EIP-712 digest, with its progress.",
        params: hashParamsSchema,
        response: { 200: orderViewSchema, ...QUERY_ERRORS },
      },
    },
    async (request) => {
      const { hash } = fromWire<{ hash: string }>(hashParamsSchema, request.params);
      const order = api.order(hash);
      if (!order) throw new ApiError(ApiErrorCode.NotFound, 404, `no order with hash ${hash}`, { hash });
      return toWire(order);
    },
  );
}
