/**
 * The liquidator keeper (DESIGN §8 stages 1 and 2). It reads candidates from the {@link HealthTracker} — every account's
 * health kept current from the indexer and the marks, deepest below maintenance first — and for each:
 *
 * - **full mode** (a `LIQUIDATOR_ROLE` key): below ⅔ of maintenance, the insurance fund's backstop takes the account
 *   over (`backstopLiquidate`). Otherwise the matcher reserves resting maker orders for the slice the partial rule
 *   allows (`POST /v1/liquidations`), the keeper closes it with `liquidateOnBook` and reports the transaction; when the
 *   book has nothing within the liquidation band, the backstop takes over instead. Cooldowns (`LiquidationCooldown`),
 *   the per-block notional cap (`LiquidationBlockCapExceeded`) and partial fractions are respected: the slice is sized
 *   by the chain's own rule and the cap, and a revert that says "later" is remembered, not retried in a loop.
 * - **permissionless mode** (any key, no role): only the fallback path anyone may use. It flags liquidatable accounts
 *   (`flagLiquidatable`) and, once a flag is `permissionlessAfterSec` old, calls `backstopLiquidate` itself.
 *
 * Two instances never liquidate the same slice twice: the matcher keeps one live reservation per account and market,
 * and the chain re-checks health, cooldown and position on every call (a second backstop finds no position).
 */
import type { ContractTransaction, Signer } from "ethers";
import type { Logger } from "pino";
import { TxRevertedError } from "../core/txErrors";
import type { TxSender } from "../core/txSender";
import { GatewayRequestError } from "../gateway/client";
import type { LiquidationTicket } from "../gateway/api";
import type { ChainIndexer } from "../indexer/indexer";
import type { IndexedMarket } from "../indexer/state";
import { WAD, abs, mulWadDown, notional, wadToNumber, withinBand } from "../sdk/math";
import type { OrderDomain } from "../sdk/orders";
import { signLiquidationRequest, type LiquidationRequest } from "../sdk/liquidations";
import type { PositionManager } from "../sdk/typechain";
import type { LiquidatorMetrics } from "./metrics";
import { runRounds } from "./rounds";
import { culpritMaker, decodeRevert, type DecodedRevert } from "./revert";
import type { HealthEntry, HealthTracker } from "./tracker";

/** `full`: book liquidation and backstop with `LIQUIDATOR_ROLE`; `permissionless`: flag and the late backstop only. */
export type LiquidatorMode = "full" | "permissionless";

/** The matcher's liquidation path as the liquidator uses it (the gateway client implements it). */
export interface LiquidationDesk {
  reserveLiquidation(request: LiquidationRequest, signature: string): Promise<LiquidationTicket>;
  confirmLiquidation(ticketId: string, txHash: string): Promise<{ status: "landed" | "released" }>;
  releaseLiquidation(ticketId: string, culpritMakerHash?: string): Promise<{ status: "released" }>;
}

/** Options of {@link Liquidator}. */
export interface LiquidatorOptions {
  mode: LiquidatorMode;
  indexer: ChainIndexer;
  tracker: HealthTracker;
  /** Connected to the sending key (for views and populating transactions). */
  positionManager: PositionManager;
  sender: TxSender;
  /** The matcher's liquidation path (required in full mode). */
  desk?: LiquidationDesk;
  /** Signs the liquidation requests to the matcher: a `LIQUIDATOR_ROLE` key (required in full mode). */
  requestSigner?: Signer;
  /** The EIP-712 domain of orders and requests (`readOrderDomain`). */
  domain: OrderDomain;
  /** The chain's current time (unix s). */
  chainTimeSec: () => Promise<number>;
  /** The insurance fund's address, for the balance gauge. */
  insuranceFund?: string;
  logger: Logger;
  metrics?: LiquidatorMetrics;
  /** Accounts acted on at once (default 4): different accounts are independent. */
  concurrency?: number;
  /** Seconds a signed liquidation request stays valid (default 60, at most the gateway's 120). */
  requestTtlSec?: number;
  /** How long a round waits for a new block before scanning again anyway (ms; default 1,000). */
  intervalMs?: number;
}

/** What one action on one account did. */
export interface LiquidationOutcome {
  account: string;
  marketId: number;
  action: "book" | "backstop" | "flag";
  status: "done" | "skipped" | "failed";
  /** Why it was skipped or failed: a decoded custom error, a gateway code, or a short text. */
  reason?: string;
  /** Size closed on the book, or taken over by the backstop (wad, unsigned). */
  sizeWad?: bigint;
  /** Notional closed (USD wad): at the fill prices on the book, at the mark for the backstop. */
  notionalWad?: bigint;
  txHash?: string;
}

/** Reverts that mean "nothing to do for this account now" rather than a failure. */
const NOT_LIQUIDATABLE = new Set(["LiquidationAccountHealthy", "LiquidationNoPosition"]);
/** Backstop reverts that hand the account to auto-deleveraging. */
const FOR_ADL = new Set(["BackstopCannotCover", "BackstopExposureCap"]);

/** Runs the liquidation waterfall's first two stages; see the module comment. */
export class Liquidator {
  /** Per account and market: the chain time before which book liquidation would revert `LiquidationCooldown`. */
  private readonly cooldownUntil = new Map<string, number>();
  /** Per market: the block in which the per-block liquidation cap was reached (retry from the next block). */
  private readonly capReachedAt = new Map<number, number>();
  /** Accounts the backstop could not take (handed to ADL), with the block it said so. */
  private readonly handedToAdl = new Map<string, number>();
  private rounds = 0;
  private lastRoundError: string | undefined;

  constructor(private readonly o: LiquidatorOptions) {
    if (o.mode === "full" && (!o.desk || !o.requestSigner))
      throw new Error("a full-mode liquidator needs the matcher's liquidation desk and a request signer");
  }

  /** One pass over the current candidates, deepest first; resolves with what was done. Never throws for one account. */
  async runOnce(): Promise<LiquidationOutcome[]> {
    this.rounds += 1;
    this.updateFundGauge();
    const candidates = this.o.tracker.candidates();
    const outcomes: LiquidationOutcome[] = [];
    const concurrency = Math.max(1, this.o.concurrency ?? 4);
    for (let i = 0; i < candidates.length; i += concurrency) {
      const slice = candidates.slice(i, i + concurrency);
      const results = await Promise.all(slice.map((entry) => this.handle(entry)));
      for (const result of results) outcomes.push(...result);
    }
    return outcomes;
  }

  /** Runs rounds until `signal` aborts: after each new block the indexer processed, or every `intervalMs`. */
  run(signal: AbortSignal): Promise<void> {
    return runRounds({
      indexer: this.o.indexer,
      intervalMs: this.o.intervalMs ?? 1_000,
      signal,
      logger: this.o.logger,
      round: () => this.runOnce(),
      onRound: (error) => (this.lastRoundError = error?.message),
    });
  }

  /** For `/health`: the mode, rounds run, the tracker's counts and the last round's error. */
  status(): Record<string, unknown> {
    return {
      mode: this.o.mode,
      rounds: this.rounds,
      ...this.o.tracker.stats(),
      handedToAdl: this.handedToAdl.size,
      lastRoundError: this.lastRoundError,
    };
  }

  private async handle(entry: HealthEntry): Promise<LiquidationOutcome[]> {
    try {
      return this.o.mode === "permissionless" ? [await this.permissionless(entry)] : await this.full(entry);
    } catch (error) {
      this.o.logger.error({ err: error, account: entry.account }, "liquidation of an account failed");
      this.o.metrics?.actionFailures.inc({ action: "liquidate", reason: "error" });
      return [{ account: entry.account, marketId: 0, action: "book", status: "failed", reason: String(error) }];
    }
  }

  /* FULL MODE */

  private async full(entry: HealthEntry): Promise<LiquidationOutcome[]> {
    const block = this.o.indexer.lastProcessedBlock;
    const adlBlock = this.handedToAdl.get(entry.account);
    if (adlBlock !== undefined && adlBlock >= block) return [];
    const outcomes: LiquidationOutcome[] = [];
    for (const marketId of this.positionsByNotional(entry.account)) {
      const current = this.o.tracker.entry(entry.account);
      if (!current?.liquidatable) break;
      const outcome = current.belowBackstopThreshold
        ? await this.backstop(entry.account, marketId)
        : await this.onBook(entry.account, marketId);
      outcomes.push(outcome);
      if (outcome.action === "backstop") break; // the takeover moved every position at once, or went to ADL
    }
    return outcomes;
  }

  /** Stage 1: reserve maker orders at the matcher, close the slice with `liquidateOnBook`, report the outcome. */
  private async onBook(account: string, marketId: number): Promise<LiquidationOutcome> {
    const base = { account, marketId, action: "book" as const };
    const nowSec = await this.o.chainTimeSec();
    const key = `${account}:${marketId}`;
    if ((this.cooldownUntil.get(key) ?? 0) > nowSec) return { ...base, status: "skipped", reason: "cooldown" };
    if ((this.capReachedAt.get(marketId) ?? -1) >= this.o.indexer.lastProcessedBlock)
      return { ...base, status: "skipped", reason: "block cap reached" };
    const market = this.o.indexer.markets.get(marketId);
    const position = this.o.indexer.accountOf(account).positions.get(marketId);
    if (!market?.markWad || !position) return { ...base, status: "skipped", reason: "no position or mark" };
    const maxSizeWad = capLimitedSize(market, position.sizeWad);
    if (maxSizeWad === 0n) return { ...base, status: "skipped", reason: "per-block cap below one lot" };

    let ticket: LiquidationTicket;
    try {
      ticket = await this.reserve(account, marketId, maxSizeWad, nowSec);
    } catch (error) {
      if (error instanceof GatewayRequestError && error.status < 500) {
        this.o.logger.debug({ account, marketId, code: error.code }, error.message);
        return { ...base, status: "skipped", reason: error.code };
      }
      throw error;
    }
    if (ticket.fills.length === 0) {
      this.o.logger.info(
        { account, marketId, closeSizeWad: ticket.closeSizeWad },
        "the book has no liquidity within the liquidation band: handing the position to the backstop",
      );
      return this.backstop(account, marketId);
    }
    const desk = this.o.desk as LiquidationDesk;
    const orders = ticket.orders.map((o) => o.order);
    const sent = await this.send(
      await this.o.positionManager.liquidateOnBook.populateTransaction(
        account,
        marketId,
        orders,
        ticket.orders.map((o) => o.signature),
        ticket.fills,
      ),
    );
    if ("error" in sent) {
      const { error, revert } = sent;
      const culprit =
        revert &&
        culpritMaker(
          revert,
          ticket.orders.map((o) => ({ hash: o.hash, account: o.order.account })),
          ticket.fills.map((f) => f.makerIndex),
        );
      await desk.releaseLiquidation(ticket.ticketId, culprit).catch((releaseError: unknown) => {
        // The lease expires on its own; the matcher then checks the chain before returning the liquidity.
        this.o.metrics?.actionFailures.inc({ action: "release", reason: "error" });
        this.o.logger.warn(
          { err: releaseError, ticketId: ticket.ticketId },
          "could not release the liquidation ticket",
        );
      });
      return this.onBookRevert(base, error, revert, culprit);
    }
    const txHash = sent.hash;
    await desk.confirmLiquidation(ticket.ticketId, txHash);
    const notionalWad = ticket.fills.reduce((sum, f) => sum + mulWadDown(f.sizeWad, f.priceWad), 0n);
    if (ticket.filledSizeWad < abs(position.sizeWad) && market.liquidation.cooldownSec > 0)
      this.cooldownUntil.set(key, nowSec + market.liquidation.cooldownSec);
    this.o.metrics?.liquidations.inc({ stage: "book" });
    this.o.metrics?.liquidatedNotional.inc({ stage: "book" }, wadToNumber(notionalWad));
    this.o.logger.info(
      { account, marketId, sizeWad: ticket.filledSizeWad, notionalWad, fills: ticket.fills.length, txHash },
      "liquidated on the book",
    );
    return { ...base, status: "done", sizeWad: ticket.filledSizeWad, notionalWad, txHash };
  }

  private async reserve(
    account: string,
    marketId: number,
    maxSizeWad: bigint,
    nowSec: number,
  ): Promise<LiquidationTicket> {
    const request: LiquidationRequest = {
      account,
      marketId,
      maxSizeWad,
      deadline: BigInt(nowSec + Math.min(this.o.requestTtlSec ?? 60, 120)),
    };
    const signature = await signLiquidationRequest(this.o.requestSigner as Signer, this.o.domain, request);
    return (this.o.desk as LiquidationDesk).reserveLiquidation(request, signature);
  }

  private onBookRevert(
    base: { account: string; marketId: number; action: "book" },
    error: unknown,
    revert: DecodedRevert | undefined,
    culprit: string | undefined,
  ): LiquidationOutcome {
    if (!revert) {
      this.o.metrics?.actionFailures.inc({ action: "book", reason: "error" });
      this.o.logger.error({ err: error, ...base }, "liquidateOnBook failed without a decodable revert");
      return { ...base, status: "failed", reason: String((error as Error).message ?? error) };
    }
    if (revert.name === "LiquidationCooldown") {
      this.cooldownUntil.set(`${base.account}:${base.marketId}`, Number(revert.args.readyAt as bigint));
      return { ...base, status: "skipped", reason: revert.name };
    }
    if (revert.name === "LiquidationBlockCapExceeded") {
      this.capReachedAt.set(base.marketId, this.o.indexer.lastProcessedBlock);
      return { ...base, status: "skipped", reason: revert.name };
    }
    if (NOT_LIQUIDATABLE.has(revert.name)) return { ...base, status: "skipped", reason: revert.name };
    this.o.metrics?.actionFailures.inc({ action: "book", reason: revert.name });
    this.o.logger.warn({ ...base, revert: revert.name, culprit }, "liquidateOnBook reverted; maker released");
    return { ...base, status: "failed", reason: revert.name };
  }

  /** Stage 2: the insurance fund's backstop takes every position of the account over at the mark. */
  private async backstop(account: string, marketId: number): Promise<LiquidationOutcome> {
    const base = { account, marketId, action: "backstop" as const };
    const takenNotionalWad = this.accountNotional(account);
    const takenSizeWad = abs(this.o.indexer.accountOf(account).positions.get(marketId)?.sizeWad ?? 0n);
    const sent = await this.send(await this.o.positionManager.backstopLiquidate.populateTransaction(account, marketId));
    if ("error" in sent) {
      const { error, revert } = sent;
      if (revert && FOR_ADL.has(revert.name)) {
        this.handedToAdl.set(account, this.o.indexer.lastProcessedBlock);
        this.o.logger.warn({ account, marketId, revert: revert.name }, "the backstop cannot take the account: ADL");
        return { ...base, status: "skipped", reason: revert.name };
      }
      if (revert && NOT_LIQUIDATABLE.has(revert.name)) return { ...base, status: "skipped", reason: revert.name };
      this.o.metrics?.actionFailures.inc({ action: "backstop", reason: revert?.name ?? "error" });
      this.o.logger.error({ err: error, account, marketId }, "backstopLiquidate failed");
      return { ...base, status: "failed", reason: revert?.name ?? String((error as Error).message ?? error) };
    }
    const txHash = sent.hash;
    this.o.metrics?.liquidations.inc({ stage: "backstop" });
    this.o.metrics?.liquidatedNotional.inc({ stage: "backstop" }, wadToNumber(takenNotionalWad));
    this.o.logger.info({ account, marketId, notionalWad: takenNotionalWad, txHash }, "backstop took the account over");
    return { ...base, status: "done", sizeWad: takenSizeWad, notionalWad: takenNotionalWad, txHash };
  }

  /* PERMISSIONLESS MODE */

  /** Flags the account, or backstops it once the flag is old enough that anyone may (`permissionlessBackstop`). */
  private async permissionless(entry: HealthEntry): Promise<LiquidationOutcome> {
    const account = entry.account;
    const [marketId] = this.positionsByNotional(account);
    const base = { account, marketId: marketId ?? 0 };
    if (marketId === undefined) return { ...base, action: "flag", status: "skipped", reason: "no position" };
    const status = await this.o.positionManager.canLiquidate(account);
    if (!status.liquidatable) return { ...base, action: "flag", status: "skipped", reason: "healthy on chain" };
    if (status.permissionlessBackstop) return this.backstop(account, marketId);
    const since = Number(status.liquidatableSince);
    const nowSec = await this.o.chainTimeSec();
    const delay = this.longestPermissionlessDelay(account);
    if (since !== 0 && nowSec <= since + 2 * delay)
      return { ...base, action: "flag", status: "skipped", reason: `backstop opens at ${since + delay}` };
    const sent = await this.send(await this.o.positionManager.flagLiquidatable.populateTransaction(account));
    if ("error" in sent) {
      const reason = sent.revert?.name ?? "error";
      this.o.metrics?.actionFailures.inc({ action: "flag", reason });
      this.o.logger.error({ err: sent.error, account }, "flagLiquidatable failed");
      return { ...base, action: "flag", status: "failed", reason };
    }
    this.o.logger.info(
      { account, opensAt: nowSec + delay },
      "flagged liquidatable; the backstop opens to anyone later",
    );
    return { ...base, action: "flag", status: "done", txHash: sent.hash };
  }

  /**
   * Sends `request` and waits for it to be mined. On failure it says why when it can: the custom error of the gas
   * estimate or the broadcast, or — for a transaction mined but reverted, whose receipt carries no reason (another
   * keeper's call landed first) — of the same call replayed with `eth_call` on the state after it.
   */
  private async send(
    request: ContractTransaction,
  ): Promise<{ hash: string } | { error: unknown; revert?: DecodedRevert }> {
    const iface = this.o.positionManager.interface;
    try {
      return { hash: (await this.o.sender.sendAndWait(request)).hash };
    } catch (error) {
      let revert = decodeRevert(error, iface);
      if (!revert && error instanceof TxRevertedError) {
        // The signer's `call` sends from its own address, as the transaction did.
        const runner = this.o.positionManager.runner;
        revert = await (runner?.call?.(request) ?? Promise.resolve())
          .then(() => undefined)
          .catch((replayed: unknown) => decodeRevert(replayed, iface));
      }
      return { error, revert };
    }
  }

  /* HELPERS */

  /** The account's markets, largest notional at the mark first. */
  private positionsByNotional(account: string): number[] {
    const markets = this.o.indexer.markets;
    return [...this.o.indexer.accountOf(account).positions.values()]
      .map((p) => ({ id: p.marketId, n: notional(p.sizeWad, markets.get(p.marketId)?.markWad ?? 0n) }))
      .sort((a, b) => (a.n === b.n ? a.id - b.id : a.n > b.n ? -1 : 1))
      .map((p) => p.id);
  }

  private accountNotional(account: string): bigint {
    let total = 0n;
    for (const p of this.o.indexer.accountOf(account).positions.values())
      total += notional(p.sizeWad, this.o.indexer.markets.get(p.marketId)?.markWad ?? 0n);
    return total;
  }

  /** The longest `permissionlessAfterSec` of the account's markets (the chain's `_longestPermissionlessDelay`). */
  private longestPermissionlessDelay(account: string): number {
    let delay = 0;
    for (const p of this.o.indexer.accountOf(account).positions.values())
      delay = Math.max(delay, this.o.indexer.markets.get(p.marketId)?.liquidation.permissionlessAfterSec ?? 0);
    return delay;
  }

  private updateFundGauge(): void {
    if (!this.o.metrics || !this.o.insuranceFund) return;
    this.o.metrics.insuranceBalance.set(wadToNumber(this.o.indexer.accountOf(this.o.insuranceFund).balanceWad));
  }
}

/**
 * The largest size a book liquidation of `sizeWad` may close in one call under the market's per-block notional cap at
 * the mark (a whole number of lots, rounded down), never above the position.
 */
export function capLimitedSize(market: IndexedMarket, sizeWad: bigint): bigint {
  const absSize = abs(sizeWad);
  const capWad = market.liquidation.maxLiquidationNotionalPerBlockWad;
  const markWad = market.markWad ?? 0n;
  if (markWad === 0n) return absSize;
  // The chain sums the fills' notional at their prices, which lie within the band of the mark: leave the band's room.
  const bandWad = withinBand(market.kind, markWad, markWad, market.liquidation.liquidationBandWad).maxDeltaWad;
  const worstPriceWad = markWad + bandWad;
  const lots = (capWad * WAD) / worstPriceWad / market.trading.lotSizeWad;
  const capSize = lots * market.trading.lotSizeWad;
  return capSize < absSize ? capSize : absSize;
}
