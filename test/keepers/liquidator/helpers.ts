/**
 * The waterfall harness: Keel deployed by the real deploy scripts on the in-process Hardhat network, the matcher and
 * settlement (test/keepers/e2e/helpers.ts), and liquidator and ADL keepers each built as its own process builds them —
 * its own indexer over JSON-RPC, its own health tracker, its own key and transaction sender. Rounds are driven by the
 * test (`round()`), so every step of a price path is deterministic; the keepers' code is the production code.
 *
 * Fees are off on BTC-USD so that every balance change is PnL, a takeover or the liquidation fee (0.5%).
 */
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { ethers } from "hardhat";
import { Wallet, type Signer } from "ethers";
import pino from "pino";
import { connectKeel } from "../../../keepers/core/deployment";
import { TxSender } from "../../../keepers/core/txSender";
import { ChainIndexer } from "../../../keepers/indexer/indexer";
import { AdlKeeper } from "../../../keepers/liquidator/adl";
import { Liquidator, type LiquidationOutcome, type LiquidatorMode } from "../../../keepers/liquidator/liquidator";
import { HealthTracker } from "../../../keepers/liquidator/tracker";
import { OrderFlag, type Order } from "../../../keepers/sdk/orders";
import { PositionManager__factory } from "../../../keepers/sdk/typechain";
import { BTC_USD, fund, seedInsuranceFund, usdc, wad } from "../../fixtures/keel";
import { keelAddresses } from "../../fixtures/keel";
import { setFees, walkPrices } from "../../contracts/trading/behaviourHelpers";
import { startExchange, type Exchange } from "../e2e/helpers";

export { BTC_USD, usdc, wad };

const logger = pino({ level: process.env.KEEL_TEST_LOG_LEVEL ?? "silent" });

/** A keeper process's own view of the chain: indexer and health tracker over JSON-RPC. */
interface KeeperView {
  indexer: ChainIndexer;
  tracker: HealthTracker;
}

/** A liquidator instance as `keel-keeper liquidator` builds it. */
export interface LiquidatorInstance extends KeeperView {
  liquidator: Liquidator;
  address: string;
  /** Follows the chain to its head, then runs one liquidation round. */
  round(): Promise<LiquidationOutcome[]>;
  stop(): Promise<void>;
}

/** An ADL keeper instance as `keel-keeper adl` builds it. */
export interface AdlInstance extends KeeperView {
  adl: AdlKeeper;
  round(): ReturnType<AdlKeeper["runOnce"]>;
  stop(): Promise<void>;
}

/** The running exchange plus what the waterfall tests need. */
export interface WaterfallRig {
  ex: Exchange;
  fundAddress: string;
  /** A funded trader (fresh key, ETH for gas, `depositUsdc` in the vault). */
  trader(depositUsdc: bigint): Promise<Wallet>;
  /** A fresh key with ETH for gas, and `LIQUIDATOR_ROLE` and `ADL_ROLE` when `role`. */
  keeperKey(role: boolean): Promise<Wallet>;
  /** Rests a post-only order of `maker` on the book through the gateway. */
  rest(maker: Signer, side: "buy" | "sell", sizeWad: bigint, priceWad: bigint): Promise<string>;
  /** `taker` crosses the book with an IOC order (through the gateway), then the fills settle on chain. */
  take(taker: Signer, side: "buy" | "sell", sizeWad: bigint, limitPriceWad: bigint): Promise<void>;
  /** Walks the BTC-USD mark to `markWad` within the push clamp, then the matcher's indexer catches up. */
  moveBtc(markWad: bigint): Promise<void>;
  /** Advances chain time by `seconds` and re-pushes the prices (they go stale after 60 s). */
  warp(seconds: number): Promise<void>;
  startLiquidator(key: Wallet, mode: LiquidatorMode): Promise<LiquidatorInstance>;
  startAdl(key: Wallet): Promise<AdlInstance>;
  stop(): Promise<void>;
}

/** Deploys Keel, turns BTC-USD fees off, seeds the insurance fund with `fundUsdc` and starts the exchange. */
export async function startWaterfallRig(fundUsdc: bigint): Promise<WaterfallRig> {
  const ex = await startExchange([]);
  const { f } = ex;
  await setFees(f, BTC_USD, 0n, 0n, 0n);
  await seedInsuranceFund(f, fundUsdc);
  await ex.matcher.indexer.poll();
  const rpc = ex.rpc;
  const addresses = keelAddresses(f);
  const fundAddress = addresses.InsuranceFund;
  const stops: (() => Promise<void>)[] = [];
  let nonce = 1n;

  async function view(): Promise<KeeperView> {
    const indexer = new ChainIndexer({
      provider: rpc.provider,
      contracts: connectKeel(addresses, rpc.provider),
      fromBlock: 0,
      logger,
    });
    await indexer.rebuild();
    const tracker = new HealthTracker({ indexer, exclude: [fundAddress, addresses.PositionManager], logger });
    tracker.start();
    return { indexer, tracker };
  }

  async function signedOrder(signer: Signer, side: "buy" | "sell", flags: number, size: bigint, price: bigint) {
    const order: Order = {
      account: await signer.getAddress(),
      marketId: BTC_USD,
      flags: flags | (side === "buy" ? OrderFlag.Buy : 0),
      nonce: nonce++,
      expiry: 0n,
      size,
      price,
      triggerPrice: 0n,
    };
    return ex.sign(signer, order);
  }

  return {
    ex,
    fundAddress,
    async trader(depositUsdc) {
      const w = new Wallet(Wallet.createRandom().privateKey, ethers.provider);
      await f.deployer.sendTransaction({ to: w.address, value: ethers.parseEther("1") });
      await fund(f, w as never, depositUsdc);
      await ex.matcher.indexer.poll();
      return w;
    },
    async keeperKey(role) {
      const w = new Wallet(Wallet.createRandom().privateKey, rpc.provider);
      await f.deployer.sendTransaction({ to: w.address, value: ethers.parseEther("10") });
      if (role) {
        await f.pm.connect(f.deployer).grantRole(await f.pm.LIQUIDATOR_ROLE(), w.address);
        await f.pm.connect(f.deployer).grantRole(await f.pm.ADL_ROLE(), w.address);
      }
      return w;
    },
    async rest(maker, side, sizeWad, priceWad) {
      const result = await ex.client.placeOrder(await signedOrder(maker, side, OrderFlag.PostOnly, sizeWad, priceWad));
      return result.order.hash;
    },
    async take(taker, side, sizeWad, limitPriceWad) {
      await ex.client.placeOrder(await signedOrder(taker, side, OrderFlag.ImmediateOrCancel, sizeWad, limitPriceWad));
      await ex.settle();
    },
    async moveBtc(markWad) {
      await walkPrices(f, { [BTC_USD]: markWad });
      await ex.matcher.indexer.poll();
    },
    async warp(seconds) {
      await time.increase(seconds);
      await walkPrices(f, {});
      await ex.matcher.indexer.poll();
    },
    async startLiquidator(key, mode) {
      const { indexer, tracker } = await view();
      const sender = new TxSender(key, { logger, pollIntervalMs: 50 });
      const liquidator = new Liquidator({
        mode,
        indexer,
        tracker,
        positionManager: PositionManager__factory.connect(addresses.PositionManager, key),
        sender,
        desk: mode === "full" ? ex.client : undefined,
        requestSigner: mode === "full" ? key : undefined,
        domain: ex.domain,
        chainTimeSec: () => time.latest(),
        insuranceFund: fundAddress,
        logger,
        // One account at a time per instance: Hardhat's automine rejects a reverting transaction at broadcast without
        // using its nonce and cannot queue the next ones (a live chain mines the revert), which a race between two
        // instances provokes on purpose. The instances still race each other.
        concurrency: 1,
      });
      const stop = async () => {
        tracker.stop();
        await sender.close();
      };
      stops.push(stop);
      return {
        indexer,
        tracker,
        liquidator,
        address: key.address,
        async round() {
          await indexer.poll();
          const outcomes = await liquidator.runOnce();
          await ex.matcher.indexer.poll();
          return outcomes;
        },
        stop,
      };
    },
    async startAdl(key) {
      const { indexer, tracker } = await view();
      const sender = new TxSender(key, { logger, pollIntervalMs: 50 });
      const adl = new AdlKeeper({
        indexer,
        positionManager: PositionManager__factory.connect(addresses.PositionManager, key),
        sender,
        bankrupt: () => tracker.bankrupt().map((e) => e.account),
        logger,
      });
      const stop = async () => {
        tracker.stop();
        await sender.close();
      };
      stops.push(stop);
      return {
        indexer,
        tracker,
        adl,
        async round() {
          await indexer.poll();
          const outcomes = await adl.runOnce();
          await ex.matcher.indexer.poll();
          return outcomes;
        },
        stop,
      };
    },
    async stop() {
      for (const stop of stops) await stop();
      await ex.stop();
    },
  };
}
