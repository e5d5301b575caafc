/**
 * Order intake (DESIGN §4, §6, §10): every check the chain will make at settlement, made before an order reaches the
 * book, so that a client learns at once — with a typed error it can act on — why an order cannot trade. Checks, in
 * order: flags, market and lifecycle, size (lot), price (tick, bounds), trigger, expiry, nonce (floor, used, known),
 * signature (the account, an unexpired agent, or ERC-1271 for a contract account), the band around the mark,
 * reduce-only, and the pre-trade margin check against chain state plus unsettled fills.
 */
import { Contract, getAddress, recoverAddress, type Provider } from "ethers";
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
      throw new IntakeError("ORDER_EXPIRED", `Order expired at ${order.expiry}; the chain time is ${nowSec}`, {
        expiry: order.expiry.toString(),
        now: nowSec.toString(),
      });
    const hash = orderDigest(this.sources.domain, order).toLowerCase();
    await this.checkNonce(order);
    const signer = await this.verifySigner(order.account, hash, signature);
    this.checkBand(order, market);
    this.checkRisk(order, market);
    return { hash, market, signer };
  }

  private checkShape(order: Order): IndexedMarket {
    if (!flagsValid(order.flags) || order.flags > 0xff)
      throw new IntakeError(
        "INVALID_FLAGS",
        `Flags 0x${order.flags.toString(16)} are invalid: bits 6-7 are reserved, post-only excludes IOC, stop excludes take-profit`,
      );
    const market = this.sources.indexer.markets.get(order.marketId);
    if (!market) throw new IntakeError("UNKNOWN_MARKET", `Market ${order.marketId} is not listed`);
    const reduceOnly = hasFlag(order.flags, OrderFlag.ReduceOnly);
    if (market.status !== MarketStatus.Active && !(market.status === MarketStatus.Resolving && reduceOnly))
      throw new IntakeError(
        "MARKET_NOT_TRADING",
        `Market ${market.symbol} is ${MarketStatus[market.status]}: ${
          market.status === MarketStatus.Resolving ? "only reduce-only orders are accepted" : "it does not trade"
        }`,
      );
    const { lotSizeWad, tickSizeWad, minPriceWad, maxPriceWad } = market.trading;
    if (order.size <= 0n || order.size > MAX_UINT128 || order.size % lotSizeWad !== 0n)
      throw new IntakeError(
        "INVALID_SIZE",
        `Size ${order.size} must be a positive multiple of the lot size ${lotSizeWad}`,
      );
    if (order.price < minPriceWad || order.price > maxPriceWad || order.price % tickSizeWad !== 0n)
      throw new IntakeError(
        "INVALID_PRICE",
        `Price ${order.price} must be a multiple of the tick size ${tickSizeWad} within [${minPriceWad}, ${maxPriceWad}]`,
      );
    const conditional = hasFlag(order.flags, OrderFlag.Stop) || hasFlag(order.flags, OrderFlag.TakeProfit);
    if (
      conditional &&
      (order.triggerPrice <= 0n || order.triggerPrice > MAX_UINT128 || order.triggerPrice % tickSizeWad !== 0n)
    )
      throw new IntakeError(
        "INVALID_TRIGGER",
        `A stop or take-profit needs a trigger price that is a positive multiple of the tick size ${tickSizeWad}`,
      );
    if (order.nonce < 0n || order.nonce > MAX_UINT64 || order.expiry < 0n || order.expiry > MAX_UINT64)
      throw new IntakeError("INVALID_SIZE", "Nonce and expiry must fit in uint64");
    return market;
  }

  private async checkNonce(order: Order): Promise<void> {
    const account = this.sources.indexer.accountOf(order.account);
    if (order.nonce < account.nonceFloor)
      throw new IntakeError(
        "NONCE_BELOW_FLOOR",
        `Nonce ${order.nonce} is below the account's cancelUpTo floor ${account.nonceFloor}; use a higher nonce`,
      );
    if (
      this.sources.isNonceKnown(account.account, order.nonce) ||
      (await this.sources.isNonceUsedOnChain(account.account, order.nonce))
    )
      throw new IntakeError(
        "NONCE_USED",
        `Nonce ${order.nonce} of ${account.account} is already used by another order; nonces are unique per account`,
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
    if (/^0x[0-9a-fA-F]{130}$/.test(signature)) {
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
          `The signature recovers to ${signer ?? "no address"}, which is neither ${account} nor an unexpired agent of it`,
          { recovered: signer ?? null },
        );
    } else if (!(await this.isContract(account))) {
      throw new IntakeError("INVALID_SIGNATURE", "An account without code must sign with a 65-byte ECDSA signature");
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
      );
    if (hasFlag(order.flags, OrderFlag.Stop) || hasFlag(order.flags, OrderFlag.TakeProfit)) return;
    const band = withinBand(market.kind, order.price, market.markWad, market.trading.maxFillDeviationWad);
    if (!band.within)
      throw new IntakeError(
        "PRICE_OUTSIDE_BAND",
        `Price ${order.price} is more than ${band.maxDeltaWad} from the mark ${market.markWad} (${
          market.kind === MarketKind.Bounded ? "absolute" : "relative"
        } band ${market.trading.maxFillDeviationWad}); the chain would refuse its fills`,
        { markWad: market.markWad.toString(), maxDeltaWad: band.maxDeltaWad.toString() },
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
          `Reduce-only ${buy ? "buy" : "sell"} with a position of ${size} in ${market.symbol}: it would open or grow it`,
        );
      return;
    }
    const self: AccountFill = {
      marketId: order.marketId,
      deltaWad: buy ? order.size : -order.size,
      priceWad: order.price,
      feeRateWad: market.fees.takerFeeWad,
    };
    const worstCase = [self, ...this.sources.restingOrdersOf(account.account, order.marketId, buy)];
    const result = checkOrderMargin(account, indexer.markets, unsettled, worstCase);
    if (!result.ok)
      throw new IntakeError(
        "INSUFFICIENT_MARGIN",
        `Equity ${result.equityWad} would be below the initial margin ${result.initialMarginWad} if this order and the account's resting ${
          buy ? "buys" : "sells"
        } in ${market.symbol} filled; deposit more or reduce the size`,
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
