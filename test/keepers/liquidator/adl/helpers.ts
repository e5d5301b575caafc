/**
 * The ADL keeper's scene (DESIGN §8 stage 3) on the real contracts, fees off so that the insurance fund starts empty:
 *
 * - alice (1,500 USDC) is long 1 BTC at 60,000: 0.6 from bob, 0.4 from carol;
 * - bob (5,000 USDC) short 0.6 at 60,000: little equity, a high score (A);
 * - carol (100,000 USDC) short 0.8 at 60,000 (0.4 of it to erin): a lower score (B);
 * - dave (100,000 USDC) short 0.5 at 57,000 to erin: at a loss once the mark is back at 58,000 (C, ineligible);
 * - the mark ends at 58,000: alice's equity is 1,500 − 2,000 = −500, her bankruptcy price 58,000 + 500 / 1 = 58,500.
 *
 * The keeper runs with its own key (granted `ADL_ROLE`), its own transaction sender and its own indexer, and real
 * prom-client counters in a private registry.
 */
import { ethers, network } from "hardhat";
import type { HDNodeWallet } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import pino from "pino";
import { Counter, Registry } from "prom-client";
import type { Logger } from "../../../../keepers/core/logger";
import { TxSender } from "../../../../keepers/core/txSender";
import { accountHealth } from "../../../../keepers/indexer/health";
import type { ChainIndexer } from "../../../../keepers/indexer/indexer";
import { AdlKeeper, type AdlMetrics } from "../../../../keepers/liquidator/adl";
import { PositionManager__factory } from "../../../../keepers/sdk/typechain";
import { BTC_USD, SENATE22_R, deployKeel, fund, usdc, wad, type KeelFixture } from "../../../fixtures/keel";
import { setFees, walkPrices } from "../../../contracts/trading/behaviourHelpers";
import { defaultPrices, trade } from "../../../contracts/trading/helpers";
import { indexerOf } from "../../indexer/helpers";

export { BTC_USD, wad };

/** The mark at which alice is bankrupt (wad). */
export const BANKRUPT_MARK = wad("58000");

/** The fixture with the scene's extra accounts. */
export interface AdlScene extends KeelFixture {
  /** The long of the ineligible short (hardhat signer 6). */
  erin: HardhatEthersSigner;
  /** The short at a loss (hardhat signer 5). */
  dave: HardhatEthersSigner;
}

/** Builds the scene described in the module comment; every price is fresh afterwards. */
export async function adlScene(): Promise<AdlScene> {
  const f = await deployKeel();
  const signers = await ethers.getSigners();
  const s: AdlScene = { ...f, dave: signers[5], erin: signers[6] };
  await setFees(s, BTC_USD, 0n, 0n, 0n);
  await setFees(s, SENATE22_R, 0n, 0n, 0n);
  await defaultPrices(s);
  await fund(s, s.alice, usdc(1_500));
  await fund(s, s.bob, usdc(5_000));
  for (const x of [s.carol, s.dave, s.erin]) await fund(s, x, usdc(100_000));
  const price = wad("60000");
  await trade(s, s.bob, s.alice, "buy", wad("0.6"), price);
  await trade(s, s.carol, s.alice, "buy", wad("0.4"), price);
  await trade(s, s.carol, s.erin, "buy", wad("0.4"), price);
  await walkPrices(s, { [BTC_USD]: wad("57000") });
  await trade(s, s.dave, s.erin, "buy", wad("0.5"), wad("57000"));
  await walkPrices(s, { [BTC_USD]: BANKRUPT_MARK });
  return s;
}

/** The keeper under test with what the tests inspect. */
export interface AdlRig {
  keeper: AdlKeeper;
  indexer: ChainIndexer;
  metrics: Record<keyof AdlMetrics, Counter<string>>;
  /** The keeper's key (holds `ADL_ROLE`). */
  key: HDNodeWallet;
  /** Value of a counter with the given labels (0 when never incremented). */
  count(counter: Counter<string>, labels?: Record<string, string>): Promise<number>;
  stop(): Promise<void>;
}

/**
 * An ADL keeper over `f` with a fresh key granted `ADL_ROLE`, its own sender and indexer (rebuilt now), and bankrupt
 * accounts found by scanning the indexer with `accountHealth`.
 */
export async function adlRig(f: KeelFixture, logger: Logger = pino({ level: "silent" })): Promise<AdlRig> {
  const key = ethers.Wallet.createRandom().connect(ethers.provider);
  await network.provider.send("hardhat_setBalance", [key.address, ethers.toQuantity(ethers.parseEther("10"))]);
  await (await f.pm.connect(f.deployer).grantRole(await f.pm.ADL_ROLE(), key.address)).wait();
  const indexer = indexerOf(f);
  await indexer.rebuild();
  const sender = new TxSender(key, { provider: ethers.provider, pollIntervalMs: 20 });
  const registry = new Registry();
  const counter = (name: string, labelNames: string[] = []) =>
    new Counter({ name, help: name, labelNames, registers: [registry] });
  const metrics = {
    adlEvents: counter("adl_events_total"),
    actionFailures: counter("action_failures_total", ["action", "reason"]),
    liquidations: counter("liquidations_total", ["stage"]),
    liquidatedNotional: counter("liquidated_notional_usd_total", ["stage"]),
  };
  const keeper = new AdlKeeper({
    indexer,
    positionManager: PositionManager__factory.connect(f.pm.target as string, key),
    sender,
    bankrupt: () =>
      [...indexer.accounts.values()]
        .filter((a) => a.positions.size > 0 && accountHealth(a, indexer.markets).equityWad < 0n)
        .map((a) => a.account),
    logger,
    metrics,
  });
  return {
    keeper,
    indexer,
    metrics,
    key,
    async count(c, labels = {}) {
      const values = (await c.get()).values;
      const match = values.find((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x));
      return match?.value ?? 0;
    },
    stop: () => sender.close(),
  };
}
