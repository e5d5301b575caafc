/**
 * The liquidator's health tracker (DESIGN §8, §11): every account's equity and maintenance margin, kept current from
 * the indexer incrementally instead of rescanning every account on every tick.
 *
 * - **Arithmetic**: each position's contribution `{valueWad, maintenanceWad}` comes from `positionHealth`
 *   (keepers/indexer/health.ts, the chain's `Ledger.positionMargin`); an account's equity is its balance plus its
 *   pending withdrawal plus Σ values, its maintenance margin Σ requirements — `accountHealth`, kept as parts so that
 *   one market's move only recomputes that market's term. The flags are `isLiquidatable` and
 *   `isBelowBackstopThreshold`, so an account is liquidatable here exactly when it is on chain at the same marks.
 * - **Incremental**: an index `marketId → accounts holding a position there` is kept. An indexer `account` event
 *   recomputes that account; a `mark`, `funding` or `market` event for market m recomputes only m's term of m's holders,
 *   and only when an input of `positionHealth` changed (kind, tiers, margin parameters, open interest, mark, cumulative
 *   funding) — the indexer re-reads every market after each batch, most of them unchanged.
 * - **No mark yet**: an account holding a market that has no mark has no computable health (the chain reverts too);
 *   it has no entry, is never a candidate, and the market is logged once until its first push.
 * - **Excluded accounts** (the insurance fund's backstop account, the PositionManager's clearing account) keep an
 *   entry but are never candidates, never bankrupt and never counted at risk.
 *
 * The tracker only reads indexer state and never throws from an event handler: a position whose health cannot be
 * computed for another reason (a {@link MathPanicError} where the chain would panic too) is logged, counted as a
 * `health` action failure and leaves its account without an entry until its inputs change.
 */
import type { EventEmitter } from "node:events";
import { performance } from "node:perf_hooks";
import { getAddress } from "ethers";
import type { Logger } from "../core/logger";
import {
  isBelowBackstopThreshold,
  isLiquidatable,
  MarkUnavailableError,
  positionHealth,
  type AccountHealth,
} from "../indexer/health";
import type { IndexerEvents } from "../indexer/indexer";
import type { IndexedAccount, IndexedMarket, IndexedPosition } from "../indexer/state";
import { WAD } from "../sdk/math";
import type { LiquidatorMetrics } from "./metrics";

/** Default at-risk margin ratio: equity below 125% of maintenance margin (wad). */
export const DEFAULT_AT_RISK_RATIO_WAD = (WAD * 125n) / 100n;

/** One account's health and its place in the waterfall (USD, wad). */
export interface HealthEntry extends AccountHealth {
  /** Checksummed address. */
  account: string;
  /** `equityWad < maintenanceMarginWad`: stage 1 (book) and stage 2 (backstop) may act. */
  liquidatable: boolean;
  /** `3 · equityWad < 2 · maintenanceMarginWad`: the account goes to the backstop instead of the book. */
  belowBackstopThreshold: boolean;
  /** `equityWad · 1e18 / maintenanceMarginWad` rounded down (toward −∞); undefined when maintenance margin is 0. */
  marginRatioWad: bigint | undefined;
  /** Whether the account holds at least one open position. */
  hasPositions: boolean;
}

/**
 * What the tracker reads from the indexer: its markets and accounts, and the events it emits after updating them.
 * {@link ChainIndexer} is one; tests may pass a stand-in emitting the same {@link IndexerEvents}.
 */
export interface HealthSource extends Pick<EventEmitter<IndexerEvents>, "on" | "off"> {
  readonly markets: ReadonlyMap<number, IndexedMarket>;
  readonly accounts: ReadonlyMap<string, IndexedAccount>;
}

/** Options of {@link HealthTracker}. */
export interface HealthTrackerOptions {
  /** The indexer (a {@link ChainIndexer}) whose state and events the tracker follows. */
  indexer: HealthSource;
  /** Accounts that are never candidates (the insurance fund, the PositionManager's clearing account). */
  exclude?: Iterable<string>;
  /** An account with positions is at risk below this margin ratio (wad, ≥ 1e18; default 1.25e18). */
  atRiskRatioWad?: bigint;
  logger: Logger;
  /** Gauges of at-risk and liquidatable accounts, and the scan-time histogram, updated after each update. */
  metrics?: LiquidatorMetrics;
}

/** Counts and the cost of the last update, for `/health` and logs. */
export interface HealthTrackerStats {
  /** Accounts with an entry (health computable). */
  tracked: number;
  /** Liquidatable accounts with positions, excluded ones left out. */
  liquidatable: number;
  /** At-risk accounts with positions (liquidatable ones included), excluded ones left out. */
  atRisk: number;
  /** Duration of the last update, incremental or full (ms). */
  lastScanMs: number;
  /** Accounts the last update recomputed. */
  lastScanAccounts: number;
}

/** A position's part of its account's health (USD, wad); `null` when it cannot be computed (see the module comment). */
type Contribution = { valueWad: bigint; maintenanceWad: bigint } | null;

/**
 * Orders entries deepest first: negative equity before non-negative, the most negative equity first; then margin
 * ratio ascending; ties by address (case-insensitive), so the order is deterministic.
 */
export function byLiquidationDepth(a: HealthEntry, b: HealthEntry): number {
  const aNegative = a.equityWad < 0n;
  const bNegative = b.equityWad < 0n;
  if (aNegative !== bNegative) return aNegative ? -1 : 1;
  if (aNegative) {
    if (a.equityWad !== b.equityWad) return a.equityWad < b.equityWad ? -1 : 1;
  } else {
    const ratio = compareRatio(a.marginRatioWad, b.marginRatioWad);
    if (ratio !== 0) return ratio;
  }
  return compareAddress(a, b);
}

/**
 * Keeps every account's health current from the indexer (see the module comment).
 * @example
 * const tracker = new HealthTracker({ indexer, exclude: [fundAddress, pmAddress], logger, metrics });
 * await indexer.rebuild();
 * tracker.start();
 * indexer.on("block", () => void liquidate(tracker.candidates()));
 */
export class HealthTracker {
  private readonly indexer: HealthSource;
  private readonly excluded: ReadonlySet<string>;
  private readonly atRiskRatioWad: bigint;
  private readonly logger: Logger;
  private readonly metrics?: LiquidatorMetrics;
  /** Per account, the contribution of each market it holds. */
  private readonly contributions = new Map<string, Map<number, Contribution>>();
  private readonly entries = new Map<string, HealthEntry>();
  /** Market id → accounts holding a position there. */
  private readonly holders = new Map<number, Set<string>>();
  /** Per market, the `positionHealth` inputs its holders' contributions were computed from. */
  private readonly marketInputs = new Map<number, string>();
  private readonly liquidatableSet = new Set<string>();
  private readonly atRiskSet = new Set<string>();
  /** Markets without a mark already logged, and `account:market` pairs whose computation failure was logged. */
  private readonly loggedNoMark = new Set<number>();
  private readonly loggedFailures = new Set<string>();
  private lastScan = { ms: 0, accounts: 0 };
  private started = false;

  /** @throws {RangeError} when `atRiskRatioWad` is below 1e18 (at risk must include every liquidatable account). */
  constructor(options: HealthTrackerOptions) {
    this.indexer = options.indexer;
    this.excluded = new Set([...(options.exclude ?? [])].map((address) => getAddress(address)));
    this.atRiskRatioWad = options.atRiskRatioWad ?? DEFAULT_AT_RISK_RATIO_WAD;
    if (this.atRiskRatioWad < WAD) {
      throw new RangeError(
        `atRiskRatioWad ${this.atRiskRatioWad} is below 1e18: at-risk accounts must include the liquidatable ones`,
      );
    }
    this.logger = options.logger;
    this.metrics = options.metrics;
  }

  /** Computes every account once ({@link recomputeAll}), then follows the indexer's events. A second call does nothing. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.recomputeAll();
    this.indexer.on("account", this.onAccount);
    this.indexer.on("mark", this.onMarketUpdate);
    this.indexer.on("funding", this.onMarketUpdate);
    this.indexer.on("market", this.onMarketUpdate);
  }

  /** Stops following the indexer; entries stay as of the last update. */
  stop(): void {
    if (!this.started) return;
    this.started = false;
    this.indexer.off("account", this.onAccount);
    this.indexer.off("mark", this.onMarketUpdate);
    this.indexer.off("funding", this.onMarketUpdate);
    this.indexer.off("market", this.onMarketUpdate);
  }

  /**
   * The account's health, or undefined when it is unknown to the indexer or holds a market without a mark.
   * @throws when `account` is not an address (ethers' `getAddress`).
   */
  entry(account: string): HealthEntry | undefined {
    // Indexer addresses are checksummed: look up as given first, normalising only on a miss.
    return this.entries.get(account) ?? this.entries.get(getAddress(account));
  }

  /** Liquidatable accounts with positions (excluded ones left out), deepest first ({@link byLiquidationDepth}). */
  candidates(): HealthEntry[] {
    return this.entriesOf(this.liquidatableSet).sort(byLiquidationDepth);
  }

  /** Accounts with positions and negative equity (excluded ones left out), deepest deficit first, ties by address. */
  bankrupt(): HealthEntry[] {
    return this.entriesOf(this.liquidatableSet)
      .filter((e) => e.equityWad < 0n)
      .sort(byLiquidationDepth);
  }

  /** Counts and the cost of the last update. */
  stats(): HealthTrackerStats {
    return {
      tracked: this.entries.size,
      liquidatable: this.liquidatableSet.size,
      atRisk: this.atRiskSet.size,
      lastScanMs: this.lastScan.ms,
      lastScanAccounts: this.lastScan.accounts,
    };
  }

  /** Recomputes every account of the indexer from scratch (on start, and for benchmarks); returns its cost. */
  recomputeAll(): { ms: number; accounts: number } {
    return this.timed(() => {
      this.contributions.clear();
      this.entries.clear();
      this.holders.clear();
      this.liquidatableSet.clear();
      this.atRiskSet.clear();
      for (const market of this.indexer.markets.values()) this.marketInputs.set(market.marketId, inputsKey(market));
      for (const account of this.indexer.accounts.values()) this.recomputeAccount(account);
      return this.indexer.accounts.size;
    });
  }

  private readonly onAccount = (account: IndexedAccount): void => {
    this.timed(() => {
      this.recomputeAccount(account);
      return 1;
    });
  };

  private readonly onMarketUpdate = (update: { marketId: number }): void => {
    const market = this.indexer.markets.get(update.marketId);
    const key = market ? inputsKey(market) : "unknown";
    if (this.marketInputs.get(update.marketId) === key) return;
    this.marketInputs.set(update.marketId, key);
    this.timed(() => this.recomputeMarket(update.marketId));
  };

  /** Recomputes every position of `account` and re-indexes the markets it holds. */
  private recomputeAccount(account: IndexedAccount): void {
    const address = account.account;
    const previous = this.contributions.get(address);
    const current = new Map<number, Contribution>();
    for (const position of account.positions.values())
      current.set(position.marketId, this.contribution(address, position));
    for (const marketId of previous?.keys() ?? [])
      if (!current.has(marketId)) this.holders.get(marketId)?.delete(address);
    for (const marketId of current.keys()) {
      let set = this.holders.get(marketId);
      if (!set) this.holders.set(marketId, (set = new Set()));
      set.add(address);
    }
    this.contributions.set(address, current);
    this.publish(account, current);
  }

  /** Recomputes market `marketId`'s term of each holder; returns how many accounts that touched. */
  private recomputeMarket(marketId: number): number {
    const holders = [...(this.holders.get(marketId) ?? [])];
    for (const address of holders) {
      const account = this.indexer.accounts.get(address);
      const parts = this.contributions.get(address);
      const position = account?.positions.get(marketId);
      if (!account || !parts) continue;
      if (!position) {
        // The index is behind the account (it cannot be after an `account` event): recompute it whole.
        this.recomputeAccount(account);
        continue;
      }
      parts.set(marketId, this.contribution(address, position));
      this.publish(account, parts);
    }
    return holders.length;
  }

  /** `positionHealth` of one position, or null (logged once) when it cannot be computed. */
  private contribution(address: string, position: IndexedPosition): Contribution {
    try {
      const { valueWad, maintenanceWad } = positionHealth(position, this.indexer.markets.get(position.marketId));
      if (this.loggedNoMark.size > 0) this.loggedNoMark.delete(position.marketId);
      if (this.loggedFailures.size > 0) this.loggedFailures.delete(failureKey(address, position.marketId));
      return { valueWad, maintenanceWad };
    } catch (error) {
      if (error instanceof MarkUnavailableError) {
        if (!this.loggedNoMark.has(error.marketId)) {
          this.loggedNoMark.add(error.marketId);
          this.logger.warn(
            { marketId: error.marketId },
            "market has no mark yet: accounts holding it are not tracked (not liquidatable) until the first push",
          );
        }
        return null;
      }
      const key = failureKey(address, position.marketId);
      if (!this.loggedFailures.has(key)) {
        this.loggedFailures.add(key);
        this.logger.error(
          { err: error, account: address, marketId: position.marketId },
          "position health cannot be computed: the account is not tracked until its position or market changes",
        );
      }
      this.metrics?.actionFailures.inc({ action: "health", reason: error instanceof Error ? error.name : "unknown" });
      return null;
    }
  }

  /** Sums an account's parts into its entry (none when a part is missing) and files it in the sets. */
  private publish(account: IndexedAccount, parts: ReadonlyMap<number, Contribution>): void {
    const address = account.account;
    this.liquidatableSet.delete(address);
    this.atRiskSet.delete(address);
    let equityWad = account.balanceWad + account.pendingWithdrawalWad;
    let maintenanceMarginWad = 0n;
    for (const part of parts.values()) {
      if (part === null) {
        this.entries.delete(address);
        return;
      }
      equityWad += part.valueWad;
      maintenanceMarginWad += part.maintenanceWad;
    }
    const health = { equityWad, maintenanceMarginWad };
    const entry: HealthEntry = {
      account: address,
      ...health,
      liquidatable: isLiquidatable(health),
      belowBackstopThreshold: isBelowBackstopThreshold(health),
      marginRatioWad: marginRatioWad(health),
      hasPositions: parts.size > 0,
    };
    this.entries.set(address, entry);
    if (!entry.hasPositions || this.excluded.has(address)) return;
    if (entry.liquidatable) this.liquidatableSet.add(address);
    if (entry.liquidatable || (entry.marginRatioWad !== undefined && entry.marginRatioWad < this.atRiskRatioWad))
      this.atRiskSet.add(address);
  }

  private entriesOf(addresses: Iterable<string>): HealthEntry[] {
    const out: HealthEntry[] = [];
    for (const address of addresses) {
      const entry = this.entries.get(address);
      if (entry) out.push(entry);
    }
    return out;
  }

  /** Runs an update, records its duration and account count, and refreshes the gauges. */
  private timed(update: () => number): { ms: number; accounts: number } {
    const startedAt = performance.now();
    const accounts = update();
    const ms = performance.now() - startedAt;
    this.lastScan = { ms, accounts };
    if (this.metrics) {
      this.metrics.scanSeconds.observe(ms / 1000);
      this.metrics.accountsAtRisk.set(this.atRiskSet.size);
      this.metrics.accountsLiquidatable.set(this.liquidatableSet.size);
    }
    return { ms, accounts };
  }
}

/** `equity · 1e18 / MM` rounded toward −∞, or undefined when MM is 0. */
function marginRatioWad(health: AccountHealth): bigint | undefined {
  const { equityWad, maintenanceMarginWad } = health;
  if (maintenanceMarginWad === 0n) return undefined;
  const numerator = equityWad * WAD;
  const quotient = numerator / maintenanceMarginWad; // BigInt division truncates toward 0; MM is positive.
  return numerator < 0n && numerator % maintenanceMarginWad !== 0n ? quotient - 1n : quotient;
}

/** The key of a logged computation failure. */
function failureKey(account: string, marketId: number): string {
  return `${account}:${marketId}`;
}

/** Every market field `positionHealth` reads, as one comparable string. */
function inputsKey(m: IndexedMarket): string {
  const tiers = m.tiers.map((t) => `${t.maxNotionalWad}/${t.imfWad}/${t.mmfWad}`).join(",");
  const margin = `${m.margin.imfLowWad}/${m.margin.imfHighWad}/${m.margin.oiSaturationWad}/${m.margin.maxOpenInterestWad}`;
  return `${m.kind}|${m.markWad ?? "none"}|${m.cumulativeFundingWad}|${m.openInterestWad}|${margin}|${tiers}`;
}

/** Undefined ratios (maintenance 0) sort last: such an account is liquidatable only with negative equity. */
function compareRatio(a: bigint | undefined, b: bigint | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  return a < b ? -1 : 1;
}

function compareAddress(a: HealthEntry, b: HealthEntry): number {
  const x = a.account.toLowerCase();
  const y = b.account.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}
