/**
 * Typed refusals of the matching engine (DESIGN §10). The gateway maps {@link EngineRejection.code} to its API error
 * codes and shows the message to the trader as is.
 */

/**
 * Why the engine refused a call:
 * - `UNKNOWN_MARKET`: the order or request names a market the engine does not run;
 * - `DUPLICATE_ORDER`: an order with the same hash was already placed (or restored);
 * - `INVALID_ORDER`: a malformed order (size not a positive multiple of the lot size, zero price, invalid flags, stop or
 *   take-profit without a trigger price) that intake should have caught;
 * - `ORDER_EXPIRED`: the order's expiry passed before it reached the book;
 * - `POST_ONLY_WOULD_CROSS`: a post-only order whose price crosses the opposite best price;
 * - `REDUCE_ONLY_WOULD_INCREASE`: a reduce-only order when the account has no position in the opposite direction;
 * - `UNKNOWN_ORDER`: a rollback names orders the engine does not hold;
 * - `INVALID_ROLLBACK`: a rollback that does not match what the engine recorded (more than an order's filled size, or
 *   an order of another market).
 */
export type EngineRejectionCode =
  | "UNKNOWN_MARKET"
  | "DUPLICATE_ORDER"
  | "INVALID_ORDER"
  | "ORDER_EXPIRED"
  | "POST_ONLY_WOULD_CROSS"
  | "REDUCE_ONLY_WOULD_INCREASE"
  | "UNKNOWN_ORDER"
  | "INVALID_ROLLBACK";

/**
 * Thrown when the engine refuses an order or a request. Nothing changed in the engine when it is thrown from
 * `place`, `restore` or `rollbackFill` (apart from resting orders found expired on the way, which are expired and
 * reported as usual).
 */
export class EngineRejection extends Error {
  /**
   * @param code Machine-readable reason (see {@link EngineRejectionCode}).
   * @param message What happened and what the trader or operator can do about it.
   * @param hash The order concerned, when there is one.
   */
  constructor(
    readonly code: EngineRejectionCode,
    message: string,
    readonly hash?: string,
  ) {
    super(message);
    this.name = "EngineRejection";
  }
}
