/**
 * Helpers of the funding keeper tests: a scripted impact-price gateway (a test double of GatewayClient.impactPrices)
 * and a FundingKeeper wired to the in-process Hardhat chain through a JSON-RPC server, with a controlled wall clock
 * for the premium samples.
 */
import { Wallet } from "ethers";
import pino from "pino";
import { connectKeel } from "../../../keepers/core/deployment";
import { TxSender } from "../../../keepers/core/txSender";
import { FundingKeeper, type FundingKeeperOptions } from "../../../keepers/funding/keeper";
import { ChainIndexer } from "../../../keepers/indexer/indexer";
import type { ImpactPrices } from "../../../keepers/matcher/types";
import { keelAddresses, type KeelFixture } from "../../fixtures/keel";
import { MATCHER_KEY, startRpcServer, type RpcEndpoint } from "../settlement/helpers";

/** Hardhat account #0: the deployer, which holds FUNDING_ROLE on the local network. */
export const FUNDER_KEY = MATCHER_KEY;

/** Minute-aligned wall-clock start of the sample paths (ms). */
export const T0_MS = 28_333_334 * 60_000;

/**
 * Test double of the gateway's impact prices: answers each market with the bid and ask last set by {@link set}, and
 * records every request's notional.
 */
export class ScriptedImpactGateway {
  readonly requests: { marketId: number; notionalWad: bigint }[] = [];
  private readonly sides = new Map<number, { impactBidWad?: bigint; impactAskWad?: bigint }>();

  set(marketId: number, impactBidWad: bigint | undefined, impactAskWad: bigint | undefined): void {
    this.sides.set(marketId, { impactBidWad, impactAskWad });
  }

  impactPrices(marketId: number, notionalWad: bigint): Promise<ImpactPrices> {
    this.requests.push({ marketId, notionalWad });
    const sides = this.sides.get(marketId) ?? {};
    return Promise.resolve({ marketId, impactNotionalWad: notionalWad, timestampMs: 0, ...sides });
  }
}

/** A funding keeper on the chain of `f`, its indexer, sender and controllable clock; `close()` when done. */
export interface FundingHarness {
  keeper: FundingKeeper;
  gateway: ScriptedImpactGateway;
  indexer: ChainIndexer;
  rpc: RpcEndpoint;
  /** The samples' wall clock (ms); advance it with {@link advanceClock}. */
  clock: { nowMs: number };
  advanceClock(ms: number): void;
  close(): Promise<void>;
}

/** Starts the harness: RPC server, indexer rebuilt from the chain, sender with the FUNDING_ROLE key. */
export async function fundingHarness(
  f: KeelFixture,
  options: Partial<FundingKeeperOptions> = {},
): Promise<FundingHarness> {
  const rpc = await startRpcServer();
  const contracts = connectKeel(keelAddresses(f), rpc.provider);
  const logger = pino({ level: "silent" });
  const indexer = new ChainIndexer({ provider: rpc.provider, contracts, fromBlock: 0, logger });
  await indexer.rebuild();
  const sender = new TxSender(new Wallet(FUNDER_KEY, rpc.provider), { pollIntervalMs: 20 });
  const gateway = new ScriptedImpactGateway();
  const clock = { nowMs: T0_MS };
  const keeper = new FundingKeeper({
    gateway,
    indexer,
    positionManager: contracts.positionManager,
    oracleRegistry: contracts.oracleRegistry,
    sender,
    chainTimeSec: async () => (await rpc.provider.getBlock("latest"))?.timestamp ?? 0,
    logger,
    clock: () => clock.nowMs,
    ...options,
  });
  return {
    keeper,
    gateway,
    indexer,
    rpc,
    clock,
    advanceClock: (ms) => {
      clock.nowMs += ms;
    },
    close: async () => {
      await sender.close();
      await rpc.close();
    },
  };
}
