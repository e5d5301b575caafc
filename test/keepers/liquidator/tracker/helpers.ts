/**
 * Helpers of the health-tracker tests: market and account fixtures shaped as the indexer's state, and
 * {@link IndexerDouble}, a test double of the {@link ChainIndexer} that holds markets and accounts and emits the same
 * {@link IndexerEvents} with the same payloads, in the same order relative to its state changes:
 *
 * - `mark`: the market object is updated in place (mark, index, timestamp), then the event is emitted;
 * - `funding`: emitted before the market is re-read, then the market object is replaced and `market` is emitted
 *   (as a poll does: FundingApplied is published while logs are read, the market re-read afterwards);
 * - `market`: the market object is replaced by a new one, then emitted;
 * - `account`: the live account object's balance, pending withdrawal and positions map are replaced, then emitted.
 */
import { EventEmitter } from "node:events";
import { getAddress } from "ethers";
import pino, { type Logger } from "pino";
import {
  btcUsd,
  eventMarket,
  HyperCoreMode,
  MarketKind,
  MarketStatus,
  type MarketConfig,
} from "../../../../deploy/params";
import type { IndexerEvents } from "../../../../keepers/indexer/indexer";
import type { IndexedAccount, IndexedMarket, IndexedPosition } from "../../../../keepers/indexer/state";

export { MarketKind };

/** 1.0 in wad. */
export const WAD = 10n ** 18n;
/** A wad from a whole or decimal number of units, e.g. `wad(60_000)`, `wad(0.4)` (exact for the values used here). */
export const wad = (units: number | string): bigint => {
  const [whole, fraction = ""] = String(units).split(".");
  return BigInt(whole + fraction.padEnd(18, "0"));
};

/** Market ids of the fixtures: BTC-USD (ASSET), an event market (BOUNDED) and ETH-USD (ASSET, no mark at first). */
export const BTC = 1;
export const EVENT = 2;
export const ETH = 3;

/** An indexed market built from deploy parameters, with the given state. */
export function indexedMarket(
  marketId: number,
  symbol: string,
  kind: MarketKind,
  config: MarketConfig,
  state: { markWad?: bigint; openInterestWad?: bigint; cumulativeFundingWad?: bigint } = {},
): IndexedMarket {
  return {
    marketId,
    symbol,
    kind,
    status: MarketStatus.Active,
    reduceOnly: false,
    trading: { ...config.trading },
    fees: { ...config.fees },
    margin: { ...config.margin },
    tiers: config.tiers.map((t) => ({ ...t })),
    funding: { ...config.funding },
    liquidation: { ...config.liquidation },
    markWad: state.markWad,
    indexWad: state.markWad,
    priceTimestamp: state.markWad === undefined ? undefined : 1_700_000_000,
    openInterestWad: state.openInterestWad ?? wad(10),
    cumulativeFundingWad: state.cumulativeFundingWad ?? 0n,
    fundingEpoch: 0,
    lastFundingAt: 0,
  };
}

/** The three fixture markets: BTC at 60,000, the event market at 0.40, ETH listed but never priced. */
export function fixtureMarkets(): IndexedMarket[] {
  return [
    indexedMarket(BTC, "BTC-USD", MarketKind.Asset, btcUsd(HyperCoreMode.None), { markWad: wad(60_000) }),
    indexedMarket(EVENT, "SENATE22-R", MarketKind.Bounded, eventMarket(), { markWad: wad(0.4) }),
    indexedMarket(ETH, "ETH-USD", MarketKind.Asset, btcUsd(HyperCoreMode.None)),
  ];
}

/** The checksummed address `0x00…0<n>` (n ≥ 1). */
export function addressOf(n: number): string {
  return getAddress("0x" + n.toString(16).padStart(40, "0"));
}

/** A position of `sizeWad` opened at `entryPriceWad` (cost basis `size · entry`), funding settled at `lastCumulativeFundingWad`. */
export function position(
  marketId: number,
  sizeWad: bigint,
  entryPriceWad: bigint,
  lastCumulativeFundingWad = 0n,
): IndexedPosition {
  return { marketId, sizeWad, openNotionalWad: (sizeWad * entryPriceWad) / WAD, lastCumulativeFundingWad };
}

/** An indexed account with a balance, a pending withdrawal and positions. */
export function indexedAccount(
  account: string,
  balanceWad: bigint,
  positions: IndexedPosition[] = [],
  pendingWithdrawalWad = 0n,
): IndexedAccount {
  return {
    account,
    balanceWad,
    pendingWithdrawalWad,
    positions: new Map(positions.map((p) => [p.marketId, p])),
    agents: new Map(),
    nonceFloor: 0n,
  };
}

/** Test double of {@link ChainIndexer}: see the module comment. */
export class IndexerDouble extends EventEmitter<IndexerEvents> {
  readonly markets = new Map<number, IndexedMarket>();
  readonly accounts = new Map<string, IndexedAccount>();

  constructor(markets: IndexedMarket[] = fixtureMarkets(), accounts: IndexedAccount[] = []) {
    super();
    for (const m of markets) this.markets.set(m.marketId, m);
    for (const a of accounts) this.accounts.set(a.account, a);
  }

  /** An oracle push (`PricesPushed`): the market is updated in place, then `mark` is emitted. */
  pushMark(marketId: number, markWad: bigint): void {
    const market = this.market(marketId);
    const timestamp = (market.priceTimestamp ?? 1_700_000_000) + 1;
    Object.assign(market, { markWad, indexWad: markWad, priceTimestamp: timestamp });
    this.emit("mark", { marketId, markWad, indexWad: markWad, timestamp });
  }

  /** `FundingApplied`: `funding` is emitted first, then the market is re-read (replaced) and `market` emitted. */
  applyFunding(marketId: number, fundingPerUnitWad: bigint): void {
    const market = this.market(marketId);
    const cumulativeFundingWad = market.cumulativeFundingWad + fundingPerUnitWad;
    const fundingEpoch = market.fundingEpoch + 1;
    this.emit("funding", { marketId, fundingPerUnitWad, cumulativeFundingWad, fundingEpoch, timestamp: 0 });
    this.replaceMarket(marketId, { cumulativeFundingWad, fundingEpoch });
  }

  /** A market re-read (parameters, open interest, …): the object is replaced, then `market` is emitted. */
  replaceMarket(marketId: number, changes: Partial<IndexedMarket> = {}): void {
    const next = { ...this.market(marketId), ...changes };
    this.markets.set(marketId, next);
    this.emit("market", next);
  }

  /** An account re-read: the live object (created if new) takes the new state, then `account` is emitted. */
  setAccount(state: IndexedAccount): void {
    let live = this.accounts.get(state.account);
    if (!live) {
      live = indexedAccount(state.account, 0n);
      this.accounts.set(state.account, live);
    }
    live.balanceWad = state.balanceWad;
    live.pendingWithdrawalWad = state.pendingWithdrawalWad;
    live.positions = new Map(state.positions);
    this.emit("account", live);
  }

  private market(marketId: number): IndexedMarket {
    const market = this.markets.get(marketId);
    if (!market) throw new Error(`IndexerDouble: no market ${marketId}`);
    return market;
  }
}

/** A silent logger. */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}

/** A logger that keeps every line (parsed JSON) in `lines`. */
export function capturingLogger(lines: Record<string, unknown>[]): Logger {
  return pino(
    { level: "debug" },
    { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
  );
}
