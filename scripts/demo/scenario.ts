/**
 * Who trades in the demo and what they do. Deterministic for a seed (mulberry32 PRNG).
 *
 * - Market makers (2 per market): quote four levels per side around the index, again when it moved (0.1% for BTC-USD,
 *   0.005 for SENATE22-R), after a trade, or after 5 steps. BTC-USD level sizes follow the recorded
 *   book depth (the depth between the file's bands, scaled to 30 BTC a side per maker); SENATE22-R levels are fixed.
 * - Takers on BTC-USD: 12 accounts open positions in the first minutes, 9 longs and 3 shorts at 2× to 35× leverage, so
 *   the crash liquidates the most leveraged through every stage; afterwards a random taker trades a little most minutes.
 * - Takers on SENATE22-R: 4 accounts, two long and two short the Republican token.
 * - Savers: 3 accounts deposit and never trade (one withdraws after the delay): they must not lose a cent.
 * - The insurance fund holds 250,000 USD with a BTC-USD exposure cap of 150,000 USD: once its backstop book is full,
 *   bankrupt accounts go to ADL.
 */
import { Wallet } from "ethers";
import { MarketKind } from "../../keepers/sdk/markets";
import { WAD, abs } from "../../keepers/sdk/math";
import type { BookDepthSnapshot } from "../../keepers/oracle/replay";
import { depthAt } from "./data";
import { BTC_USD, SENATE22_R, type DemoExchange } from "./exchange";
import { MarketMaker, Taker, type MarketGrid, type QuoteLevel, type Venue } from "./traders";

/** A deterministic PRNG in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const USDC = 10n ** 6n;
const BTC_LEVELS_PERCENT = [0.05, 0.2, 0.5, 1.5];
const SENATE_LEVELS: QuoteLevel[] = [0.003, 0.01, 0.03, 0.08].map((offset) => ({
  offsetWad: BigInt(Math.round(offset * 1e6)) * 10n ** 12n,
  sizeWad: 2_000n * WAD,
}));
/** The insurance fund's BTC-USD backstop exposure cap in the demo (USD). */
const BACKSTOP_CAP_USD = 150_000n;
/** What one BTC-USD maker shows per side when Binance's 2% depth is at its first recorded value (BTC). */
const MAKER_DEPTH_WAD = 30n * WAD;
const LEVERAGES = [35, 30, 25, 25, 20, 15, 10, 5, 3, 10, 5, 2];

/** One opening trade of a BTC taker. */
interface Opening {
  taker: Taker;
  side: "buy" | "sell";
  leverage: number;
  depositUsd: number;
}

/** The demo's traders and their plan. */
export class Scenario {
  readonly makers: { marketId: number; maker: MarketMaker; centerWad?: bigint; step: number }[] = [];
  readonly btcTakers: Taker[] = [];
  readonly senateTakers: Taker[] = [];
  readonly savers: Wallet[] = [];
  /** Net deposits (USD wad) per account, for the invariant "no account without positions lost money". */
  readonly netDepositsWad = new Map<string, bigint>();
  private readonly openings: Opening[] = [];
  private readonly random: () => number;
  private withdrawalRequestedAtSec = 0;
  /** Recorded depth → demo size (wad), fixed at the first snapshot quoted. */
  private depthScaleWad: bigint | undefined;

  constructor(
    private readonly ex: DemoExchange,
    seed: number,
  ) {
    this.random = mulberry32(seed);
  }

  /** Every account a trader uses (makers, takers, savers). */
  accounts(): string[] {
    return [
      ...this.makers.map((m) => m.maker.address),
      ...this.btcTakers.map((t) => t.address),
      ...this.senateTakers.map((t) => t.address),
      ...this.savers.map((s) => s.address),
    ];
  }

  /** Creates and funds every trader, seeds the insurance fund and connects the makers' feeds. */
  async setUp(): Promise<void> {
    const { ex } = this;
    const venue: Venue = {
      client: ex.client,
      wsUrl: ex.wsUrl,
      domain: ex.domain,
      chainTimeSec: () => ex.clock.nowSec(),
    };
    await this.deposit(this.ex.addresses.InsuranceFund, 250_000);
    // A small BTC-USD exposure cap, so that in the crash the backstop fills up and the deepest accounts go to ADL.
    await (await ex.admin.insuranceFund.setBackstopExposureCap(BTC_USD, BACKSTOP_CAP_USD * WAD)).wait();
    for (const marketId of [BTC_USD, SENATE22_R]) {
      const grid = await this.grid(marketId);
      for (let i = 0; i < 2; i++) {
        const maker = new MarketMaker(await this.funded(marketId === BTC_USD ? 20_000_000 : 500_000), venue, grid);
        await maker.connect();
        this.makers.push({ marketId, maker, step: 0 });
      }
    }
    for (const [i, leverage] of LEVERAGES.entries()) {
      const depositUsd = 10_000 + 5_000 * (i % 5);
      const taker = new Taker(await this.funded(depositUsd), venue);
      this.btcTakers.push(taker);
      this.openings.push({ taker, side: i % 4 === 3 ? "sell" : "buy", leverage, depositUsd });
    }
    for (let i = 0; i < 4; i++) this.senateTakers.push(new Taker(await this.funded(20_000), venue));
    for (let i = 0; i < 3; i++) this.savers.push(await this.funded(5_000));
  }

  /**
   * Requotes each maker around its market's index (from the WebSocket feed, else the indexer) when it moved since its
   * last quotes, the market traded (its quotes may have been taken), or they are 5 steps old.
   */
  async quote(depth: readonly BookDepthSnapshot[], dataMs: number, step: number): Promise<void> {
    const btcLevels = this.btcLevels(depthAt(depth, dataMs));
    for (const entry of this.makers) {
      const { marketId, maker } = entry;
      const center = maker.indexFromFeed() ?? this.ex.indexer.markets.get(marketId)?.indexWad;
      if (center === undefined) continue;
      const moved =
        entry.centerWad === undefined ||
        (marketId === BTC_USD
          ? abs(center - entry.centerWad) * 1000n > entry.centerWad
          : abs(center - entry.centerWad) > 5n * 10n ** 15n);
      if (!moved && !maker.tradedSinceQuote && step - entry.step < 5) continue;
      await maker.requote(center, marketId === BTC_USD ? btcLevels : SENATE_LEVELS);
      entry.centerWad = center;
      entry.step = step;
    }
  }

  /** The takers' moves at step `step` (0-based). */
  async trade(step: number): Promise<void> {
    const btc = this.ex.indexer.markets.get(BTC_USD)?.markWad;
    const senate = this.ex.indexer.markets.get(SENATE22_R)?.markWad;
    if (btc === undefined || senate === undefined) return;
    if (step >= 1 && step <= this.openings.length) {
      const { taker, side, leverage, depositUsd } = this.openings[step - 1];
      const sizeWad = lots((BigInt(depositUsd * leverage) * WAD * WAD) / btc, 10n ** 14n);
      await taker.trade(BTC_USD, side, sizeWad, slippage(btc, side, 0.003));
    }
    if (step >= 1 && step <= this.senateTakers.length) {
      const side = step % 2 === 1 ? "buy" : "sell";
      await this.senateTakers[step - 1].trade(
        SENATE22_R,
        side,
        5_000n * WAD,
        side === "buy" ? 999n * 10n ** 15n : 10n ** 15n,
      );
    }
    if (step > this.openings.length && this.random() < 0.6) {
      const taker = this.btcTakers[Math.floor(this.random() * this.btcTakers.length)];
      const side = this.random() < 0.5 ? "buy" : "sell";
      const sizeWad = lots(BigInt(Math.floor(this.random() * 0.2e18)) + 10n ** 16n, 10n ** 14n);
      await taker.trade(BTC_USD, side, sizeWad, slippage(btc, side, 0.005));
    }
    await this.saverWithdrawal();
  }

  /** Closes the makers' feeds. */
  async close(): Promise<void> {
    await Promise.all(this.makers.map(({ maker }) => maker.close()));
  }

  /** One saver asks for half its balance back, and collects it once the vault's delay has passed. */
  private async saverWithdrawal(): Promise<void> {
    const saver = this.savers[0];
    const vault = this.ex.admin.collateralVault.connect(saver);
    const now = this.ex.clock.nowSec();
    if (this.withdrawalRequestedAtSec === 0) {
      await (await vault.requestWithdrawal(2_500n * USDC)).wait();
      this.withdrawalRequestedAtSec = now;
      return;
    }
    const pending = await vault.pendingWithdrawal(saver.address);
    if (pending.amount > 0n && BigInt(now) >= pending.readyAt) {
      await (await vault.executeWithdrawal(saver.address)).wait();
      this.addDeposit(saver.address, -2_500n * WAD);
    }
  }

  /**
   * BTC-USD quote levels: the recorded depth between consecutive bands gives each level's share, and the whole book is
   * scaled so that each maker shows {@link MAKER_DEPTH_WAD} per side when Binance's 2% depth is at its first recorded
   * value: the shape and its swings through the day are Binance's, the size fits the demo's accounts.
   */
  private btcLevels(snapshot: BookDepthSnapshot): QuoteLevel[] {
    const bandAt = (percent: number) =>
      (snapshot.bids.find((b) => b.percent >= Math.ceil(percent)) ?? snapshot.bids[snapshot.bids.length - 1]).depthWad;
    // Depth within `percent` of the mid, interpolated inside the 1% bands of the file.
    const within = (percent: number) =>
      (bandAt(percent) * BigInt(Math.round(percent * 100))) / BigInt(Math.ceil(percent) * 100);
    this.depthScaleWad ??= (MAKER_DEPTH_WAD * WAD) / (bandAt(2) || WAD);
    let previousWad = 0n;
    return BTC_LEVELS_PERCENT.map((percent) => {
      const depthWad = within(percent);
      const levelWad = depthWad > previousWad ? depthWad - previousWad : 0n;
      previousWad = depthWad > previousWad ? depthWad : previousWad;
      return {
        offsetWad: BigInt(Math.round(percent * 1e4)) * 10n ** 12n,
        sizeWad: lots((levelWad * (this.depthScaleWad ?? 0n)) / WAD, 10n ** 14n) || 10n ** 16n,
      };
    });
  }

  private async grid(marketId: number): Promise<MarketGrid> {
    const market = this.ex.indexer.markets.get(marketId);
    if (!market) throw new Error(`market ${marketId} is not listed`);
    return { marketId, kind: market.kind as MarketKind, ...market.trading };
  }

  /** A fresh trader key with ETH for gas and `depositUsd` in the vault. */
  private async funded(depositUsd: number): Promise<Wallet> {
    const { hre } = this.ex;
    const wallet = new Wallet(Wallet.createRandom().privateKey, hre.ethers.provider);
    await hre.network.provider.send("hardhat_setBalance", [wallet.address, "0x56BC75E2D63100000"]);
    await this.deposit(wallet.address, depositUsd);
    return wallet;
  }

  /** The deployer mints `usd` of the local collateral and deposits it for `account` (`depositFor`). */
  private async deposit(account: string, usd: number): Promise<void> {
    const { admin, addresses, token } = this.ex;
    const amount = BigInt(usd) * USDC;
    const [deployer] = await this.ex.hre.ethers.getSigners();
    await (await token.mint(deployer.address, amount)).wait();
    await (await token.approve(addresses.CollateralVault, amount)).wait();
    await (await admin.collateralVault.depositFor(account, amount)).wait();
    this.addDeposit(account, BigInt(usd) * WAD);
  }

  private addDeposit(account: string, wad: bigint): void {
    this.netDepositsWad.set(account, (this.netDepositsWad.get(account) ?? 0n) + wad);
  }
}

/** `sizeWad` rounded down to whole lots. */
function lots(sizeWad: bigint, lotWad: bigint): bigint {
  return (sizeWad / lotWad) * lotWad;
}

/** A limit `fraction` through the mark in the taker's direction, on the BTC tick (0.1). */
function slippage(markWad: bigint, side: "buy" | "sell", fraction: number): bigint {
  const delta = (markWad * BigInt(Math.round(fraction * 1e6))) / 10n ** 6n;
  const tick = 10n ** 17n;
  return side === "buy" ? ((markWad + delta) / tick) * tick : ((markWad - delta + tick - 1n) / tick) * tick;
}
