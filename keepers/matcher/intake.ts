/**
 * Order intake (DESIGN §4, §6, §10): every check the chain will make at settlement, made before an order reaches the
 * book, so that a client learns at once — with a typed error it can act on — why an order cannot trade. Checks, in
 * order: flags, market and lifecycle (where the chain only settles reductions — a Resolving market, a market the
 * insurance circuit breaker put reduce-only, any market while the protocol is paused — only reduce-only orders), size
 * (lot), price (tick, bounds), trigger, expiry, nonce (floor, used, known), signature (the account, an unexpired
 * agent, or ERC-1271 for a contract account), the band around the mark, reduce-only, and the pre-trade margin check
 * against chain state plus unsettled fills. Messages give amounts as decimals (`60000.05`), `details` as wad strings.
 */
import { Contract, formatUnits, getAddress, recoverAddress, type Provider } from "ethers";
import { ApiError } from "../gateway/api";
import type { ChainIndexer } from "../indexer/indexer";
import type { IndexedMarket } from "../indexer/state";
import { MarketKind, MarketStatus } from "../sdk/markets";
import { flagsValid, withinBand } from "../sdk/math";
import { OrderFlag, hasFlag, isBuy, orderDigest, type Order, type OrderDomain } from "../sdk/orders";
import { checkOrderMargin, projectAccount, type AccountFill } from "./risk";

/** Codes of {@link IntakeError}, with the HTTP status the gateway answers. */
export const INTAKE_ERRORS = {
  INVALID_FLAGS: 400,
  INVALID_SIZE: 400,
  INVALID_PRICE: 400,
  INVALID_TRIGGER: 400,
  UNKNOWN_MARKET: 404,
  MARKET_NOT_TRADING: 422,
  MARKET_NO_MARK: 422,
  ORDER_EXPIRED: 422,
  NONCE_BELOW_FLOOR: 409,
  NONCE_USED: 409,
  INVALID_SIGNATURE: 401,
  PRICE_OUTSIDE_BAND: 422,
  REDUCE_ONLY_WOULD_INCREASE: 422,
  INSUFFICIENT_MARGIN: 422,
} as const;

/** Why an order was refused at intake. */
export type IntakeErrorCode = keyof typeof INTAKE_ERRORS;

/** An order refused at intake: `code` says which check, the message says what to change. */
export class IntakeError extends ApiError {
  constructor(
    override readonly code: IntakeErrorCode,
    message: string,
    details?: Record<string, unknown>,
  ) {
    super(code, INTAKE_ERRORS[code], message, details);
    this.name = "IntakeError";
  }
}

const ERC1271_MAGIC = "0x1626ba7e";
const ERC1271_ABI = ["function isValidSignature(bytes32 hash, bytes signature) view returns (bytes4)"];
const MAX_UINT128 = (1n << 128n) - 1n;
const MAX_UINT64 = (1n << 64n) - 1n;

/** What the intake reads besides the indexer. */
export interface IntakeSources {
  indexer: ChainIndexer;
  provider: Provider;
  domain: OrderDomain;
  /** `PositionManager.isNonceUsed(account, nonce)` (the nonce bit: filled, partly filled or cancelled on chain). */
  isNonceUsedOnChain(account: string, nonce: bigint): Promise<boolean>;
  /** Whether the matcher already holds an order of `account` with `nonce` (in the book or the journal). */
  isNonceKnown(account: string, nonce: bigint): boolean;
  /** The account's fills the chain has not seen yet, in order. */
  unsettledFillsOf(account: string): AccountFill[];
  /** The account's resting orders in `marketId` on `side` (the unfilled rest, at their limits, taker fee). */
  restingOrdersOf(account: string, marketId: number, buy: boolean): AccountFill[];
}

/** A checked order: its EIP-712 digest and the market it trades. */
export interface AcceptedOrder {
  hash: string;
  market: IndexedMarket;
  /** Who signed: the account, one of its agents, or the account by ERC-1271. */
  signer: string;
}

/** Runs the intake checks; see the module comment. */
export class OrderIntake {
  private readonly contractAccounts = new Map<string, boolean>();

  constructor(private readonly sources: IntakeSources) {}

  /** Checks `order` and its signature; returns its digest or throws {@link IntakeError}. */
  async check(order: Order, signature: string): Promise<AcceptedOrder> {
    const market = this.checkShape(order);
    const nowSec = BigInt(this.sources.indexer.chainTimeSec());
    if (order.expiry !== 0n && order.expiry < nowSec)
      throw new IntakeError(
        "ORDER_EXPIRED",
        `Order expired at ${order.expiry} (unix s); the chain time is ${nowSec}: sign it again with a later expiry`,
        {
          expiry: order.expiry.toString(),
          now: nowSec.toString(),
        },
      );
    const hash = orderDigest(this.sources.domain, order).toLowerCase();
    await this.checkNonce(order);
    const signer = await this.verifySigner(order.account, hash, signature);
    this.checkBand(order, market);
    this.checkRisk(order, market);
    return { hash, market, signer };
  }

  private checkShape(order: Order): IndexedMarket {
    const flagProblem = flagsProblem(order.flags);
    if (flagProblem)
      throw new IntakeError(
        "INVALID_FLAGS",
        `Flags ${order.flags} (0x${order.flags.toString(16)}) are invalid: ${flagProblem}`,
        { flags: order.flags },
      );
    const market = this.sources.indexer.markets.get(order.marketId);
    if (!market)
      throw new IntakeError(
        "UNKNOWN_MARKET",
        `Market ${order.marketId} is not listed; GET /v1/markets lists the markets and their ids`,
        { marketId: order.marketId },
      );
    this.checkTrading(order, market);
    const { lotSizeWad, tickSizeWad, minPriceWad, maxPriceWad } = market.trading;
    if (order.size <= 0n || order.size > MAX_UINT128 || order.size % lotSizeWad !== 0n)
      throw new IntakeError(
        "INVALID_SIZE",
        `Size ${wadText(order.size)} is not a positive multiple of the lot size ${wadText(lotSizeWad)} of ${market.symbol}`,
        { sizeWad: order.size.toString(), lotSizeWad: lotSizeWad.toString() },
      );
    if (order.price < minPriceWad || order.price > maxPriceWad)
      throw new IntakeError(
        "INVALID_PRICE",
        `Price ${wadText(order.price)} is outside the price bounds of ${market.symbol} [${wadText(minPriceWad)}, ${wadText(maxPriceWad)}]`,
        { priceWad: order.price.toString(), minPriceWad: minPriceWad.toString(), maxPriceWad: maxPriceWad.toString() },
      );
    if (order.price % tickSizeWad !== 0n)
      throw new IntakeError(
        "INVALID_PRICE",
        `Price ${wadText(order.price)} is not a multiple of the tick size ${wadText(tickSizeWad)} of ${market.symbol}`,
        { priceWad: order.price.toString(), tickSizeWad: tickSizeWad.toString() },
      );
    const conditional = hasFlag(order.flags, OrderFlag.Stop) || hasFlag(order.flags, OrderFlag.TakeProfit);
    if (
      conditional &&
      (order.triggerPrice <= 0n || order.triggerPrice > MAX_UINT128 || order.triggerPrice % tickSizeWad !== 0n)
    )
      throw new IntakeError(
        "INVALID_TRIGGER",
        `Trigger price ${wadText(order.triggerPrice)}: a ${
          hasFlag(order.flags, OrderFlag.Stop) ? "stop" : "take-profit"
        } needs a trigger price that is a positive multiple of the tick size ${wadText(tickSizeWad)} of ${market.symbol}`,
        { triggerPriceWad: order.triggerPrice.toString(), tickSizeWad: tickSizeWad.toString() },
      );
    if (order.nonce < 0n || order.nonce > MAX_UINT64 || order.expiry < 0n || order.expiry > MAX_UINT64)
      throw new IntakeError("INVALID_SIZE", `Nonce ${order.nonce} and expiry ${order.expiry} must fit in uint64`);
    return market;
  }

  /**
   * Draft, Resolved and Settled markets do not trade. A Resolving market, a market its insurance circuit breaker put
   * reduce-only and every market while the protocol is paused only reduce positions (the chain refuses any other
   * fill), so only reduce-only orders are accepted there.
   */
  private checkTrading(order: Order, market: IndexedMarket): void {
    const status = MarketStatus[market.status];
    if (market.status !== MarketStatus.Active && market.status !== MarketStatus.Resolving)
      throw new IntakeError("MARKET_NOT_TRADING", `Market ${market.symbol} is ${status}: it does not trade`, {
        marketId: market.marketId,
        status,
      });
    const why =
      market.status === MarketStatus.Resolving
        ? `Market ${market.symbol} is Resolving`
        : market.reduceOnly
          ? `Market ${market.symbol} is reduce-only (its insurance circuit breaker tripped)`
          : this.sources.indexer.paused
            ? "Trading is paused"
            : undefined;
    if (why && !hasFlag(order.flags, OrderFlag.ReduceOnly))
      throw new IntakeError("MARKET_NOT_TRADING", `${why}: only reduce-only orders are accepted`, {
        marketId: market.marketId,
        status,
      });
  }

  private async checkNonce(order: Order): Promise<void> {
    const account = this.sources.indexer.accountOf(order.account);
    if (order.nonce < account.nonceFloor)
      throw new IntakeError(
        "NONCE_BELOW_FLOOR",
        `Nonce ${order.nonce} is below the cancelUpTo floor ${account.nonceFloor} of ${account.account}; sign with a nonce of at least ${account.nonceFloor}`,
        { nonce: order.nonce.toString(), nonceFloor: account.nonceFloor.toString() },
      );
    const where = this.sources.isNonceKnown(account.account, order.nonce)
      ? "by an order the matcher holds"
      : (await this.sources.isNonceUsedOnChain(account.account, order.nonce))
        ? "on chain (filled or cancelled)"
        : undefined;
    if (where)
      throw new IntakeError(
        "NONCE_USED",
        `Nonce ${order.nonce} of ${account.account} is already used ${where}; nonces are unique per account, sign with a fresh one`,
        { nonce: order.nonce.toString() },
      );
  }

  /**
   * Who may act for `account` on `digest`: the account's own ECDSA key, an agent it approved whose expiry has not
   * passed (chain time), or, for a contract account, whatever its ERC-1271 `isValidSignature` accepts. Returns the
   * signer; throws {@link IntakeError} `INVALID_SIGNATURE` otherwise. Used for orders and for signed cancels.
   */
  async verifySigner(accountAddress: string, digest: string, signature: string): Promise<string> {
    const account = getAddress(accountAddress);
    const hash = digest;
    const nowSec = BigInt(this.sources.indexer.chainTimeSec());
    if (isCanonicalEcdsaSignature(signature)) {
      let signer: string | undefined;
      try {
        signer = recoverAddress(hash, signature);
      } catch {
        signer = undefined;
      }
      if (signer === account) return signer;
      const expiry = signer ? this.sources.indexer.accountOf(account).agents.get(signer) : undefined;
      if (signer && expiry !== undefined && expiry >= nowSec) return signer;
      if (!(await this.isContract(account)))
        throw new IntakeError(
          "INVALID_SIGNATURE",
          expiry !== undefined
            ? `The signature recovers to ${signer}, an agent of ${account} whose approval expired at ${expiry} (chain time ${nowSec}); approve it again on chain or sign with the account`
            : `The signature recovers to ${signer ?? "no address"}, which is neither ${account} nor an agent it approved on chain`,
          { recovered: signer ?? null },
        );
    } else if (!(await this.isContract(account))) {
      throw new IntakeError(
        "INVALID_SIGNATURE",
        `${account} has no code, so it must sign with a 65-byte ECDSA signature (0x and 130 hex digits) whose last ` +
          "byte (v) is 27 or 28 and whose s is in the lower half of the curve order, as the chain requires",
      );
    }
    const wallet = new Contract(account, ERC1271_ABI, this.sources.provider);
    let magic: string;
    try {
      magic = (await wallet.getFunction("isValidSignature")(hash, signature)) as string;
    } catch {
      magic = "0x";
    }
    if (magic.toLowerCase() !== ERC1271_MAGIC)
      throw new IntakeError(
        "INVALID_SIGNATURE",
        `The contract account ${account} did not accept the signature (ERC-1271)`,
      );
    return account;
  }

  private checkBand(order: Order, market: IndexedMarket): void {
    if (market.markWad === undefined)
      throw new IntakeError(
        "MARKET_NO_MARK",
        `Market ${market.symbol} has no mark price yet; try again after the first oracle push`,
        { marketId: market.marketId },
      );
    if (hasFlag(order.flags, OrderFlag.Stop) || hasFlag(order.flags, OrderFlag.TakeProfit)) return;
    const deviation = market.trading.maxFillDeviationWad;
    const band = withinBand(market.kind, order.price, market.markWad, deviation);
    if (!band.within)
      throw new IntakeError(
        "PRICE_OUTSIDE_BAND",
        `Price ${wadText(order.price)} is more than ${wadText(band.maxDeltaWad)} from the mark ${wadText(market.markWad)} of ${
          market.symbol
        } (band: ${
          market.kind === MarketKind.Bounded
            ? `${wadText(deviation)} absolute`
            : `${wadText(deviation * 100n)}% of the mark`
        }); the chain would refuse its fills: price it within [${wadText(market.markWad - band.maxDeltaWad)}, ${wadText(
          market.markWad + band.maxDeltaWad,
        )}]`,
        {
          priceWad: order.price.toString(),
          markWad: market.markWad.toString(),
          maxDeltaWad: band.maxDeltaWad.toString(),
        },
      );
  }

  private checkRisk(order: Order, market: IndexedMarket): void {
    const { indexer } = this.sources;
    const account = indexer.accountOf(order.account);
    const unsettled = this.sources.unsettledFillsOf(account.account);
    const buy = isBuy(order);
    if (hasFlag(order.flags, OrderFlag.ReduceOnly)) {
      const size = projectAccount(account, indexer.markets, unsettled).positions.get(order.marketId)?.sizeWad ?? 0n;
      if (size === 0n || size > 0n === buy)
        throw new IntakeError(
          "REDUCE_ONLY_WOULD_INCREASE",
          `Reduce-only ${buy ? "buy" : "sell"} with a position of ${wadText(size)} in ${market.symbol} (unsettled fills included): it would open or grow it; drop the reduce-only flag or ${
            size === 0n ? "open a position first" : `${size > 0n ? "sell" : "buy"} instead`
          }`,
          { positionWad: size.toString() },
        );
      return;
    }
    const self: AccountFill = {
      marketId: order.marketId,
      deltaWad: buy ? order.size : -order.size,
      priceWad: order.price,
      feeRateWad: market.fees.takerFeeWad,
    };
    const resting = this.sources.restingOrdersOf(account.account, order.marketId, buy);
    const worstCase = [self, ...resting];
    const result = checkOrderMargin(account, indexer.markets, unsettled, worstCase);
    if (!result.ok)
      throw new IntakeError(
        "INSUFFICIENT_MARGIN",
        `Equity ${wadText(result.equityWad)} USD would be below the initial margin ${wadText(
          result.initialMarginWad,
        )} USD if this order (size ${wadText(order.size)}) and the account's resting ${buy ? "buys" : "sells"} in ${
          market.symbol
        } (${resting.length}) filled, unsettled fills included; deposit more, cancel resting orders or reduce the size`,
        { equityWad: result.equityWad.toString(), initialMarginWad: result.initialMarginWad.toString() },
      );
  }

  private async isContract(account: string): Promise<boolean> {
    let known = this.contractAccounts.get(account);
    if (known === undefined) {
      known = (await this.sources.provider.getCode(account)) !== "0x";
      this.contractAccounts.set(account, known);
    }
    return known;
  }
}

/** Why a flag byte is invalid (the chain's `flagsValid` rules, named), or undefined when it is valid. */
function flagsProblem(flags: number): string | undefined {
  if (flags > 0xff || flags < 0) return "flags are one byte (0 to 255)";
  if (flagsValid(flags)) return undefined;
  if ((flags & 0xc0) !== 0) return "bits 6-7 are reserved and must be 0";
  if (hasFlag(flags, OrderFlag.PostOnly) && hasFlag(flags, OrderFlag.ImmediateOrCancel))
    return "post-only excludes immediate-or-cancel";
  return "stop excludes take-profit";
}

/** A wad amount as a decimal string for messages: `1500000000000000000n` → `1.5`. */
function wadText(x: bigint): string {
  return formatUnits(x, 18).replace(/\.0$/, "");
}

/** Half the secp256k1 curve order: OpenZeppelin's ECDSA refuses a larger `s` (a malleable twin of a signature). */
const SECP256K1_HALF_N = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n;

/**
 * Whether `signature` is one the chain's ECDSA recovery accepts (OpenZeppelin ECDSA): 65 bytes `r ‖ s ‖ v` with
 * v = 27 or 28 and s ≤ n/2. ethers would also recover v = 0/1 or EIP-155 v values, which the chain refuses: such an
 * order must not rest in the book only to have its fills dropped at settlement.
 */
export function isCanonicalEcdsaSignature(signature: string): boolean {
  if (!/^0x[0-9a-fA-F]{128}1[bcBC]$/.test(signature)) return false;
  return BigInt("0x" + signature.slice(66, 130)) <= SECP256K1_HALF_N;
}
