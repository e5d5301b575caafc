/**
 * The demo's exchange: Keel deployed by the real deploy scripts on the in-process Hardhat network, and every keeper
 * started in this process the way its command starts it, each with its own key and role: matcher and gateway,
 * settlement, oracle (replay sources), funding, liquidator, ADL and backstop unwind. Keepers follow a simulated
 * clock — the chain's time, which the demo advances with the recorded data — instead of the wall clock.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { Wallet, type Provider } from "ethers";
import type { Logger } from "pino";
import { connectKeel, type KeelAddresses, type KeelContracts } from "../../keepers/core/deployment";
import { TxSender } from "../../keepers/core/txSender";
import { FundingKeeper } from "../../keepers/funding/keeper";
import { GatewayClient } from "../../keepers/gateway/client";
import { ChainIndexer } from "../../keepers/indexer/indexer";
import { AdlKeeper } from "../../keepers/liquidator/adl";
import { Liquidator } from "../../keepers/liquidator/liquidator";
import { HealthTracker } from "../../keepers/liquidator/tracker";
import { BackstopUnwinder } from "../../keepers/liquidator/unwind";
import { startMatcher, type RunningMatcher } from "../../keepers/matcher/keeper";
import { OracleKeeper, type OracleFeed } from "../../keepers/oracle/keeper";
import { ReplayPriceSource } from "../../keepers/oracle/replaySource";
import { readOrderDomain, type OrderDomain } from "../../keepers/sdk/orders";
import { Journal } from "../../keepers/settlement/journal";
import { SettlementPipeline } from "../../keepers/settlement/pipeline";
import { MockUSDC__factory, PositionManager__factory, type MockUSDC } from "../../keepers/sdk/typechain";
import { startRpcServer, type RpcEndpoint } from "../lib/rpcServer";
import type { DemoData } from "./data";

/** BTC-USD and SENATE22-R, as the local deploy lists them. */
export const BTC_USD = 1;
export const SENATE22_R = 2;

/** The simulated clock every keeper reads: the chain time of the current step. */
export class SimClock {
  nowMs = 0;
  /** Unix seconds. */
  nowSec(): number {
    return Math.floor(this.nowMs / 1000);
  }
}

/** Everything the demo drives. */
export interface DemoExchange {
  hre: HardhatRuntimeEnvironment;
  addresses: KeelAddresses;
  /** Contracts connected to the deployer (admin and resolver on the local network). */
  admin: KeelContracts;
  /** The local collateral (MockUSDC, 6 decimals) connected to the deployer, who may mint it. */
  token: MockUSDC;
  rpc: RpcEndpoint;
  clock: SimClock;
  domain: OrderDomain;
  matcher: RunningMatcher;
  client: GatewayClient;
  wsUrl: string;
  pipeline: SettlementPipeline;
  /** The waterfall and funding keepers' indexer (the matcher has its own). */
  indexer: ChainIndexer;
  tracker: HealthTracker;
  oracle: OracleKeeper;
  funding: FundingKeeper;
  liquidator: Liquidator;
  adl: AdlKeeper;
  unwinder: BackstopUnwinder;
  /** Sends the oracle's direct pushes after the replays end (ORACLE_ROLE key). */
  oracleSender: TxSender;
  fromBlock: number;
  logger: Logger;
  stop(): Promise<void>;
}

/** A fresh key with ETH for gas, holding `role` on `contract` (granted by the deployer). */
async function keeperKey(
  hre: HardhatRuntimeEnvironment,
  provider: Provider,
  grants: { contract: { grantRole(role: string, who: string): Promise<unknown> }; role: string }[],
): Promise<Wallet> {
  const wallet = new Wallet(Wallet.createRandom().privateKey, provider);
  await hre.network.provider.send("hardhat_setBalance", [wallet.address, "0x56BC75E2D63100000"]);
  for (const { contract, role } of grants)
    await ((await contract.grantRole(role, wallet.address)) as { wait(): Promise<unknown> }).wait();
  return wallet;
}

/** Deploys Keel and starts every keeper; `data` feeds the oracle. */
export async function startDemoExchange(
  hre: HardhatRuntimeEnvironment,
  data: DemoData,
  logger: Logger,
): Promise<DemoExchange> {
  await hre.deployments.fixture(["Keel"]);
  const names = ["PositionManager", "CollateralVault", "MarketRegistry", "OracleRegistry", "InsuranceFund"] as const;
  const addresses = {
    HyperCorePriceSource: (await hre.deployments.get("HyperCorePriceSource")).address,
  } as KeelAddresses;
  for (const name of names) addresses[name] = (await hre.deployments.get(name)).address;
  addresses.CollateralToken = (await hre.deployments.get("CollateralToken")).address;
  const [deployer] = await hre.ethers.getSigners();
  const admin = connectKeel(addresses, deployer);
  const rpc = await startRpcServer(hre);
  const head = await rpc.provider.getBlock("latest");
  const clock = new SimClock();
  clock.nowMs = (head?.timestamp ?? 0) * 1000;
  const fromBlock = head?.number ?? 0;
  const chainTimeSec = () => Promise.resolve(clock.nowSec());

  const pm = admin.positionManager;
  const key = (grants: Parameters<typeof keeperKey>[2]) => keeperKey(hre, rpc.provider, grants);
  const settlementKey = await key([{ contract: pm, role: await pm.MATCHER_ROLE() }]);
  const oracleKey = await key([{ contract: admin.oracleRegistry, role: await admin.oracleRegistry.ORACLE_ROLE() }]);
  const fundingKey = await key([{ contract: pm, role: await pm.FUNDING_ROLE() }]);
  const liquidatorKey = await key([{ contract: pm, role: await pm.LIQUIDATOR_ROLE() }]);
  const adlKey = await key([{ contract: pm, role: await pm.ADL_ROLE() }]);
  const operatorKey = await key([
    { contract: admin.insuranceFund, role: await admin.insuranceFund.BACKSTOP_OPERATOR_ROLE() },
  ]);

  const dir = mkdtempSync(path.join(tmpdir(), "keel-demo-"));
  const journal = Journal.open(path.join(dir, "journal.sqlite"));
  const contracts = connectKeel(addresses, rpc.provider);
  const matcher = await startMatcher({
    provider: hre.ethers.provider,
    contracts,
    journal,
    fromBlock,
    logger: logger.child({ keeper: "matcher" }),
    host: "127.0.0.1",
    port: 0,
    pollIntervalMs: 1_000,
    writeRateLimit: false,
  });
  const client = new GatewayClient(matcher.address.url);
  const pipeline = new SettlementPipeline({
    pm: PositionManager__factory.connect(addresses.PositionManager, settlementKey),
    journal,
    logger: logger.child({ keeper: "settlement" }),
    receiptTimeoutMs: 30_000,
    pollIntervalMs: 20,
  });

  const indexer = new ChainIndexer({
    provider: hre.ethers.provider,
    contracts,
    fromBlock,
    logger: logger.child({ keeper: "indexer" }),
  });
  await indexer.rebuild();
  const tracker = new HealthTracker({
    indexer,
    exclude: [addresses.InsuranceFund, addresses.PositionManager],
    logger: logger.child({ keeper: "health" }),
  });
  tracker.start();
  const senders: TxSender[] = [];
  const sender = (wallet: Wallet) => {
    const s = new TxSender(wallet, { logger, pollIntervalMs: 20 });
    senders.push(s);
    return s;
  };
  const domain = await readOrderDomain(pm);
  const clockMs = () => clock.nowMs;
  const oracleSender = sender(oracleKey);
  const oracle = new OracleKeeper({
    feeds: oracleFeeds(data, clockMs),
    oracleRegistry: connectKeel(addresses, oracleKey).oracleRegistry,
    marketRegistry: contracts.marketRegistry,
    sender: oracleSender,
    chainTimeSec,
    gateway: client,
    logger: logger.child({ keeper: "oracle" }),
    clock: clockMs,
  });
  await oracle.init();
  const funding = new FundingKeeper({
    gateway: client,
    indexer,
    positionManager: connectKeel(addresses, fundingKey).positionManager,
    oracleRegistry: contracts.oracleRegistry,
    sender: sender(fundingKey),
    chainTimeSec,
    logger: logger.child({ keeper: "funding" }),
    clock: clockMs,
  });
  const liquidator = new Liquidator({
    mode: "full",
    indexer,
    tracker,
    positionManager: PositionManager__factory.connect(addresses.PositionManager, liquidatorKey),
    sender: sender(liquidatorKey),
    desk: client,
    requestSigner: liquidatorKey,
    domain,
    chainTimeSec,
    insuranceFund: addresses.InsuranceFund,
    logger: logger.child({ keeper: "liquidator" }),
    // Hardhat's automine rejects a reverting broadcast without using its nonce: one account at a time.
    concurrency: 1,
  });
  const adl = new AdlKeeper({
    indexer,
    positionManager: PositionManager__factory.connect(addresses.PositionManager, adlKey),
    sender: sender(adlKey),
    bankrupt: () => tracker.bankrupt().map((entry) => entry.account),
    logger: logger.child({ keeper: "adl" }),
  });
  const unwinder = new BackstopUnwinder({
    indexer,
    client,
    fundAddress: addresses.InsuranceFund,
    operator: operatorKey,
    domain,
    logger: logger.child({ keeper: "backstop-unwind" }),
    minIntervalMs: 60_000,
    now: clockMs,
  });
  return {
    hre,
    addresses,
    admin,
    token: MockUSDC__factory.connect(addresses.CollateralToken, deployer),
    rpc,
    clock,
    domain,
    matcher,
    client,
    wsUrl: `${matcher.address.url.replace(/^http/, "ws")}/v1/ws`,
    pipeline,
    indexer,
    tracker,
    oracle,
    funding,
    liquidator,
    adl,
    unwinder,
    oracleSender,
    fromBlock,
    logger,
    async stop() {
      tracker.stop();
      for (const s of senders) await s.close();
      await matcher.stop();
      journal.close();
      await rpc.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The oracle's feeds: BTC-USD from the two recorded index venues (Binance marks and Gemini trades, 2 minutes of
 * staleness for 1-minute data) and the book; SENATE22-R from the Polymarket trades, played faster so that its window
 * ends with the BTC window.
 */
function oracleFeeds(data: DemoData, clock: () => number): OracleFeed[] {
  const btcSpanMs = data.btc.endMs - data.btc.startMs;
  const senateSpeed = (data.senate.endMs - data.senate.startMs) / btcSpanMs;
  return [
    {
      marketId: BTC_USD,
      sources: data.btc.venues.map((venue) => new ReplayPriceSource(venue, { startMs: data.btc.startMs, clock })),
      // A venue's quote counts for 45 s: the push's observation time stays inside the market's 60 s staleness.
      index: { kinds: ["mark", "trade"], maxStalenessMs: 45_000 },
    },
    {
      marketId: SENATE22_R,
      sources: [new ReplayPriceSource(data.senate.venue, { startMs: data.senate.startMs, speed: senateSpeed, clock })],
      // One push carries both markets with the older observation's time: 45 s keeps BTC-USD's 60 s staleness.
      index: { maxStalenessMs: 45_000 },
      boundedMark: { staleAfterMs: 45_000 },
    },
  ];
}
