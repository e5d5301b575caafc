/**
 * The auto-deleveraging keeper (DESIGN §8 stage 3, `ADL_ROLE`). When an account ends with negative equity and the
 * insurance fund cannot cover it, the bankrupt position is closed at its bankruptcy price against opposite-side
 * positions in profit, ranked by the DESIGN §8 score `(profit ratio) · notional / equity`, and only as much as needed.
 *
 * Off chain the keeper only ranks and sizes: every formula is the SDK's mirror of the chain's (`adlScore`,
 * `bankruptcyPrice`) over the indexer's health figures (`keepers/indexer/health.ts`), and each chosen counterparty's
 * score is checked against the chain's `adlScore` view at the indexer's block; a disagreement is logged, counted and
 * settled in the chain's favour. The chain decides the rest: `autoDeleverage` is simulated first, and
 * `AdlInsuranceCanCover` (the backstop's job), `AdlAccountNotBankrupt` and `LiquidationNoPosition` are skips, not
 * failures. One account's failure never stops the round.
 */
import { formatUnits, getAddress, type TransactionReceipt } from "ethers";
import type { Logger } from "pino";
import type { Counter } from "prom-client";
import type { TxSender } from "../core/txSender";
import { accountHealth, positionHealth } from "../indexer/health";
import type { ChainIndexer } from "../indexer/indexer";
import type { IndexedAccount, IndexedMarket } from "../indexer/state";
import { abs, adlScore, bankruptcyPrice, notional } from "../sdk/math";
import type { PositionManager } from "../sdk/typechain";
import { decodeRevert } from "./revert";

/**
 * The counters the ADL keeper feeds: the members of the liquidator's metrics (`keepers/liquidator/metrics.ts`
 * `LiquidatorMetrics`) it uses, typed structurally so any prom-client counters with these labels fit.
 */
export interface AdlMetrics {
  /** Counterparties closed (`AutoDeleveraged` events). */
  adlEvents: Pick<Counter, "inc">;
  /** Failures by action (`adl`) and reason (a custom error name, `score-mismatch`, `plan-failed`, `error`). */
  actionFailures: Pick<Counter<"action" | "reason">, "inc">;
  /** Actions that closed something, by waterfall stage (`adl` here). */
  liquidations: Pick<Counter<"stage">, "inc">;
  /** USD closed (a number) at the bankruptcy price, by stage (`adl` here). */
  liquidatedNotional: Pick<Counter<"stage">, "inc">;
}

/** Options of {@link AdlKeeper}. */
export interface AdlKeeperOptions {
  indexer: ChainIndexer;
  /** Connected to the sending key, which holds `ADL_ROLE` (simulations run from it). */
  positionManager: PositionManager;
  /** Sends `autoDeleverage` from the same key as `positionManager`. */
  sender: TxSender;
  /**
   * Accounts with negative equity (pending withdrawal included) that hold positions: in production
   * `HealthTracker.bankrupt()` mapped to addresses; any scan of the indexer with `accountHealth` does.
   */
  bankrupt: () => Iterable<string>;
  logger: Logger;
  metrics?: AdlMetrics;
}

/** One counterparty of an {@link AdlPlan}, in ranking order. */
export interface AdlCounterparty {
  /** Checksummed address. */
  account: string;
  /** Its position in the market (signed wad, opposite to the bankrupt one). */
  sizeWad: bigint;
  /** How much of it the deleveraging closes (unsigned wad): all of it, or for the last one what remains. */
  closeWad: bigint;
  /** The score computed from the indexer's state (wad; `2^256 − 1` when its equity is ≤ 0). */
  scoreWad: bigint;
  /** The chain's `adlScore(account, marketId)` at the indexer's block (wad): the ranking key when they differ. */
  chainScoreWad: bigint;
}

/** How the bankrupt position would be deleveraged, as of the indexer's block. */
export interface AdlPlan {
  /** Checksummed address of the bankrupt account. */
  account: string;
  marketId: number;
  /** The bankrupt position (signed wad). */
  sizeWad: bigint;
  /** The account's negative equity as a positive amount (USD wad; 0 when the account is not bankrupt). */
  deficitWad: bigint;
  /** `bankruptcyPrice(kind, size, mark, deficit)`: the price every counterparty closes at (wad). */
  bankruptcyPriceWad: bigint;
  /**
   * The highest-ranked eligible counterparties whose sizes cover the bankrupt size (fewer when all eligible ones
   * together hold less); empty when no opposite position is in profit.
   */
  counterparties: AdlCounterparty[];
}

/** One close of an `autoDeleverage` transaction, from its `AutoDeleveraged` event. */
export interface AdlClose {
  counterparty: string;
  /** Signed as in the event: > 0 when the bankrupt account's long was closed (wad). */
  sizeWad: bigint;
  bankruptcyPriceWad: bigint;
}

/** What the keeper did with one bankrupt position. */
export interface AdlOutcome {
  account: string;
  marketId: number;
  /** `deleveraged`: the transaction landed; `skipped`: nothing to do now (see `reason`); `failed`: see the log. */
  status: "deleveraged" | "skipped" | "failed";
  /** A custom error name (`AdlInsuranceCanCover`, …), `plan-failed`, or an error class name. */
  reason?: string;
  /** Counterparties closed: the number of `AutoDeleveraged` events of the transaction (0 when none was sent). */
  counterparties: number;
  /** The closes of the transaction, in event order (empty when none was sent). */
  closes: AdlClose[];
  txHash?: string;
}

/** `plan` cannot be made: the account holds no position in the market, or the market is unknown or has no mark. */
export class AdlPlanError extends Error {
  constructor(
    readonly account: string,
    readonly marketId: number,
    reason: string,
  ) {
    super(`Cannot plan auto-deleveraging of ${account} in market ${marketId}: ${reason}`);
    this.name = "AdlPlanError";
  }
}

/** Simulation reverts that mean "nothing for the ADL keeper to do now". */
const SKIPS = new Set(["AdlInsuranceCanCover", "AdlAccountNotBankrupt", "LiquidationNoPosition"]);

/** A ranked candidate before sizing. */
interface Candidate {
  account: string;
  sizeWad: bigint;
  scoreWad: bigint;
  chainScoreWad?: bigint;
}

/** Runs stage 3 of the waterfall; see the module comment. */
export class AdlKeeper {
  constructor(private readonly o: AdlKeeperOptions) {}

  /**
   * Ranks the counterparties of `account`'s position in `marketId` from the indexer's state and sizes the closes.
   * Reads the chain's `adlScore` of each chosen counterparty at the indexer's block; on a disagreement every eligible
   * account's chain score is read and the ranking uses the chain's scores (logged at warn, counted as
   * `actionFailures{action="adl",reason="score-mismatch"}`).
   * @throws {AdlPlanError} when the account holds no position in the market or the market has no mark.
   * @throws {MarkUnavailableError} when a market the bankrupt account holds has no mark.
   * @throws the provider's error when an `adlScore` read fails.
   */
  async plan(account: string, marketId: number): Promise<AdlPlan> {
    const { indexer } = this.o;
    const bankrupt = indexer.accountOf(account);
    const position = bankrupt.positions.get(marketId);
    if (!position) throw new AdlPlanError(bankrupt.account, marketId, "it holds no position there");
    const market = indexer.markets.get(marketId);
    if (market?.markWad === undefined) throw new AdlPlanError(bankrupt.account, marketId, "the market has no mark");
    const equityWad = accountHealth(bankrupt, indexer.markets).equityWad;
    const deficitWad = equityWad < 0n ? -equityWad : 0n;
    const base = {
      account: bankrupt.account,
      marketId,
      sizeWad: position.sizeWad,
      deficitWad,
      bankruptcyPriceWad: bankruptcyPrice(market.kind, position.sizeWad, market.markWad, deficitWad),
    };

    const candidates = this.eligible(bankrupt.account, position.sizeWad, market).sort(byScore((c) => c.scoreWad));
    let chosen = cover(candidates, position.sizeWad);
    await this.readChainScores(chosen, marketId);
    const mismatched = chosen.filter((c) => c.chainScoreWad !== c.scoreWad);
    if (mismatched.length > 0) {
      for (const c of mismatched) {
        this.o.logger.warn(
          {
            account: base.account,
            marketId,
            counterparty: c.account,
            scoreWad: c.scoreWad,
            chainScoreWad: c.chainScoreWad,
          },
          "ADL score from the indexer differs from the chain's adlScore; ranking by the chain's scores",
        );
        this.o.metrics?.actionFailures.inc({ action: "adl", reason: "score-mismatch" });
      }
      await this.readChainScores(candidates, marketId);
      const byChain = candidates.filter((c) => (c.chainScoreWad ?? 0n) > 0n).sort(byScore((c) => c.chainScoreWad!));
      chosen = cover(byChain, position.sizeWad);
    }
    return { ...base, counterparties: size(chosen, position.sizeWad) };
  }

  /**
   * One pass: for each bankrupt account, each of its positions by notional at the mark, largest first: plan,
   * simulate `autoDeleverage`, send it, and read the `AutoDeleveraged` events of the receipt. After a landed
   * transaction the indexer is polled so that the next plan sees the new state. Never throws for one account's
   * failure: it is logged, counted and reported as `failed`.
   */
  async runOnce(): Promise<AdlOutcome[]> {
    const outcomes: AdlOutcome[] = [];
    for (const address of [...this.o.bankrupt()]) {
      let marketIds: number[];
      try {
        marketIds = this.positionsByNotional(this.o.indexer.accountOf(address));
      } catch (error) {
        outcomes.push(this.failed(address, 0, "plan-failed", error, "cannot order the account's positions"));
        continue;
      }
      for (const marketId of marketIds) outcomes.push(await this.deleverage(address, marketId));
    }
    return outcomes;
  }

  /** Market ids of the account's positions by notional at the mark, largest first (ties by market id). */
  private positionsByNotional(account: IndexedAccount): number[] {
    const sized = [...account.positions.values()].map((p) => {
      const markWad = this.o.indexer.markets.get(p.marketId)?.markWad;
      if (markWad === undefined) throw new AdlPlanError(account.account, p.marketId, "the market has no mark");
      return { marketId: p.marketId, notionalWad: notional(p.sizeWad, markWad) };
    });
    sized.sort((a, b) =>
      a.notionalWad === b.notionalWad ? a.marketId - b.marketId : a.notionalWad > b.notionalWad ? -1 : 1,
    );
    return sized.map((s) => s.marketId);
  }

  private async deleverage(address: string, marketId: number): Promise<AdlOutcome> {
    const account = getAddress(address);
    let plan: AdlPlan;
    try {
      plan = await this.plan(account, marketId);
    } catch (error) {
      return this.failed(account, marketId, "plan-failed", error, "auto-deleveraging plan failed");
    }
    const pm = this.o.positionManager;
    const list = plan.counterparties.map((c) => c.account);
    try {
      await pm.autoDeleverage.staticCall(account, marketId, list);
    } catch (error) {
      const name = decodeRevert(error, pm.interface)?.name;
      if (name !== undefined && SKIPS.has(name)) {
        this.o.logger.debug({ account, marketId, reason: name }, "auto-deleveraging not needed: skipped");
        return skipped(account, marketId, name);
      }
      if (name === "AdlNoCounterparty") {
        this.o.logger.warn(
          { account, marketId, deficitWad: plan.deficitWad },
          "bankrupt account has no opposite position in profit to deleverage against",
        );
        this.o.metrics?.actionFailures.inc({ action: "adl", reason: name });
        return skipped(account, marketId, name);
      }
      return this.failed(account, marketId, name ?? "error", error, "auto-deleveraging simulation reverted");
    }

    let receipt: TransactionReceipt;
    try {
      receipt = await this.o.sender.sendAndWait(await pm.autoDeleverage.populateTransaction(account, marketId, list));
    } catch (error) {
      const reason = decodeRevert(error, pm.interface)?.name ?? (error as Error).name ?? "error";
      return this.failed(account, marketId, reason, error, "auto-deleveraging transaction failed");
    }
    const closes = this.closesOf(receipt);
    const notionalWad = closes.reduce((sum, c) => sum + notional(c.sizeWad, c.bankruptcyPriceWad), 0n);
    this.o.metrics?.liquidations.inc({ stage: "adl" });
    this.o.metrics?.liquidatedNotional.inc({ stage: "adl" }, Number(formatUnits(notionalWad, 18)));
    this.o.metrics?.adlEvents.inc(closes.length);
    this.o.logger.info(
      {
        account,
        marketId,
        deficitWad: plan.deficitWad,
        bankruptcyPriceWad: plan.bankruptcyPriceWad,
        closes,
        txHash: receipt.hash,
        gasUsed: receipt.gasUsed,
      },
      "auto-deleveraged a bankrupt position",
    );
    await this.catchUp(account, marketId);
    return { account, marketId, status: "deleveraged", counterparties: closes.length, closes, txHash: receipt.hash };
  }

  /** Every account other than `bankrupt` on the opposite side of `sizeWad` with a profit at the mark, scored. */
  private eligible(bankrupt: string, sizeWad: bigint, market: IndexedMarket): Candidate[] {
    const { indexer } = this.o;
    const out: Candidate[] = [];
    for (const account of indexer.accounts.values()) {
      const p = account.positions.get(market.marketId);
      if (account.account === bankrupt || !p || p.sizeWad === 0n || p.sizeWad > 0n === sizeWad > 0n) continue;
      const pnlWad = positionHealth(p, market).valueWad;
      if (pnlWad <= 0n) continue;
      let equityWad: bigint;
      try {
        equityWad = accountHealth(account, indexer.markets).equityWad;
      } catch (error) {
        // Its other markets have no mark: the chain could not score it either (its adlScore view reverts).
        this.o.logger.warn({ err: error, counterparty: account.account }, "cannot score an ADL counterparty; left out");
        continue;
      }
      const scoreWad = adlScore(p.sizeWad, p.openNotionalWad, market.markWad!, pnlWad, equityWad);
      out.push({ account: account.account, sizeWad: p.sizeWad, scoreWad });
    }
    return out;
  }

  /** Fills in `chainScoreWad` of each candidate from `adlScore` at the indexer's block. */
  private async readChainScores(candidates: Candidate[], marketId: number): Promise<void> {
    const blockTag = this.o.indexer.lastProcessedBlock;
    const pm = this.o.positionManager;
    const missing = candidates.filter((c) => c.chainScoreWad === undefined);
    const scores = await Promise.all(missing.map((c) => pm.adlScore(c.account, marketId, { blockTag })));
    missing.forEach((c, i) => (c.chainScoreWad = scores[i]));
  }

  /** The `AutoDeleveraged` events of a receipt, in order. */
  private closesOf(receipt: TransactionReceipt): AdlClose[] {
    const iface = this.o.positionManager.interface;
    const out: AdlClose[] = [];
    for (const log of receipt.logs) {
      const parsed = iface.parseLog(log);
      if (parsed?.name !== "AutoDeleveraged") continue;
      out.push({
        counterparty: parsed.args.counterparty as string,
        sizeWad: parsed.args.sizeWad as bigint,
        bankruptcyPriceWad: parsed.args.bankruptcyPriceWad as bigint,
      });
    }
    return out;
  }

  /** Polls the indexer after a landed transaction; a failed poll only delays the state (logged, not thrown). */
  private async catchUp(account: string, marketId: number): Promise<void> {
    try {
      await this.o.indexer.poll();
    } catch (error) {
      this.o.logger.warn(
        { err: error, account, marketId },
        "indexer poll after auto-deleveraging failed; the next plan may use the state before it",
      );
    }
  }

  private failed(account: string, marketId: number, reason: string, error: unknown, message: string): AdlOutcome {
    this.o.logger.error({ err: error, account, marketId, reason }, message);
    this.o.metrics?.actionFailures.inc({ action: "adl", reason });
    return { account, marketId, status: "failed", reason, counterparties: 0, closes: [] };
  }
}

function skipped(account: string, marketId: number, reason: string): AdlOutcome {
  return { account, marketId, status: "skipped", reason, counterparties: 0, closes: [] };
}

/** Highest score first, ties by address (ascending, case-insensitive). */
function byScore(score: (c: Candidate) => bigint): (a: Candidate, b: Candidate) => number {
  return (a, b) => {
    const sa = score(a);
    const sb = score(b);
    if (sa !== sb) return sa > sb ? -1 : 1;
    const la = a.account.toLowerCase();
    const lb = b.account.toLowerCase();
    return la < lb ? -1 : la > lb ? 1 : 0;
  };
}

/** The shortest prefix of the ranked candidates whose Σ |size| reaches |sizeWad| (all of them if they fall short). */
function cover(ranked: Candidate[], sizeWad: bigint): Candidate[] {
  const target = abs(sizeWad);
  let covered = 0n;
  const out: Candidate[] = [];
  for (const c of ranked) {
    if (covered >= target) break;
    out.push(c);
    covered += abs(c.sizeWad);
  }
  return out;
}

/** Sizes the closes as the chain does: each `min(remaining, |its size|)`. */
function size(chosen: Candidate[], sizeWad: bigint): AdlCounterparty[] {
  let remaining = abs(sizeWad);
  return chosen.map((c) => {
    const closeWad = remaining < abs(c.sizeWad) ? remaining : abs(c.sizeWad);
    remaining -= closeWad;
    return {
      account: c.account,
      sizeWad: c.sizeWad,
      closeWad,
      scoreWad: c.scoreWad,
      chainScoreWad: c.chainScoreWad ?? c.scoreWad,
    };
  });
}
